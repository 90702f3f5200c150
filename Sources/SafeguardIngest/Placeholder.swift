// SafeguardIngest

// SafeguardTesting

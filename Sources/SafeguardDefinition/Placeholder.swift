// SafeguardDefinition

// SafeguardStages

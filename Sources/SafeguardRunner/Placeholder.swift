// SafeguardRunner

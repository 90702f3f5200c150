// SafeguardSynth

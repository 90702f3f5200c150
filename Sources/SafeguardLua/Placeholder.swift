// SafeguardLua

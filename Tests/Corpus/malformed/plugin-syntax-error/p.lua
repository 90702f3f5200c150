return { record = function(rec ctx) end }

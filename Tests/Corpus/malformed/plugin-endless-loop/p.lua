return { record = function(rec, ctx) while true do end end }

return { record = function(rec, ctx) rec.ref = {} return rec end }

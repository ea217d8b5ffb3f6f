-- 0003: calcium and vitamin D per food (issue 14). Owned by crates/diet.
--
-- One row per reported (food, nutrient) value with its own source and status; a nutrient with no
-- row is "not reported", which differs from a reported 0 (USDA SR28 marks many vitamin D zeros as
-- "assumed zero", carried in `status`). Amounts are per 100 g edible portion in the nutrient's
-- own unit: calcium in mg, vitamin D (D2 + D3) in µg. Seeded from data/foods/ by k2bone-diet.

CREATE TABLE food_bone_nutrients (
    food_id     INTEGER NOT NULL REFERENCES foods(id) ON DELETE CASCADE,
    nutrient    TEXT NOT NULL CHECK (nutrient IN ('calcium_mg', 'vitamin_d_ug')),
    per_100g    REAL NOT NULL CHECK (per_100g >= 0),
    source      TEXT NOT NULL,
    status      TEXT NOT NULL,
    PRIMARY KEY (food_id, nutrient)
);

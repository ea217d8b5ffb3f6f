-- 0002: the food-composition database of the diet module (issue 6). Owned by crates/diet.
--
-- One row per food; one row per measured (food, nutrient) value with its own source. A vitamer
-- with no row is "not measured", which differs from a measured 0. Seeded from data/foods/ by
-- k2bone-diet on first open (food_seed records which seed version is in).

CREATE TABLE foods (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    food_group  TEXT NOT NULL,
    origin      TEXT NOT NULL CHECK (origin IN ('usda_sr28', 'literature', 'user')),
    usda_ndb    TEXT UNIQUE
);

CREATE TABLE food_values (
    food_id     INTEGER NOT NULL REFERENCES foods(id) ON DELETE CASCADE,
    -- k1, dk1 (dihydrophylloquinone), mk4 ... mk10, k2_unsplit (total K2 reported without a
    -- vitamer split)
    nutrient    TEXT NOT NULL CHECK (nutrient IN ('k1', 'dk1', 'mk4', 'mk5', 'mk6', 'mk7', 'mk8',
                                                  'mk9', 'mk10', 'k2_unsplit')),
    ug_per_100g REAL NOT NULL CHECK (ug_per_100g >= 0),
    source      TEXT NOT NULL,
    status      TEXT NOT NULL,
    note        TEXT,
    PRIMARY KEY (food_id, nutrient)
);

CREATE TABLE food_aliases (
    alias       TEXT PRIMARY KEY COLLATE NOCASE,
    food_id     INTEGER NOT NULL REFERENCES foods(id) ON DELETE CASCADE,
    note        TEXT
);

CREATE TABLE food_portions (
    food_id     INTEGER NOT NULL REFERENCES foods(id) ON DELETE CASCADE,
    label       TEXT NOT NULL,
    grams       REAL NOT NULL CHECK (grams > 0),
    source      TEXT NOT NULL,
    status      TEXT NOT NULL,
    PRIMARY KEY (food_id, label)
);

CREATE TABLE food_seed (
    version     INTEGER NOT NULL
);

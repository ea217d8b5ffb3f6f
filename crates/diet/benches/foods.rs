//! Speed of the diet workloads on the shipped table (5,236 foods): fuzzy search and a plan LP.
//! IDs: `search/{query}`, `plan/{case}`.

use criterion::{criterion_group, criterion_main, Criterion};
use k2bone_diet::plan::{suggest, PlanOptions, Target};
use k2bone_diet::FoodDb;
use k2bone_store::Store;
use k2bone_units::Vitamer;

fn bench(c: &mut Criterion) {
    let db = FoodDb::open(&mut Store::in_memory().unwrap()).unwrap();
    for q in ["gouda", "egg yolk", "goudda chese"] {
        c.bench_function(&format!("search/{q}"), |b| b.iter(|| db.search(q, 10)));
    }
    let mk7 = PlanOptions {
        targets_ug: vec![(Target::Vitamer(Vitamer::Mk7), 180.0)],
        ..PlanOptions::default()
    };
    c.bench_function("plan/mk7-180", |b| b.iter(|| suggest(&db, &mk7).unwrap()));
    let steady = PlanOptions {
        k1_range_ug: Some((90.0, 120.0)),
        ..mk7.clone()
    };
    c.bench_function("plan/mk7-180-steady-k1", |b| {
        b.iter(|| suggest(&db, &steady).unwrap())
    });
    c.bench_function("open/seeded-db-load", |b| {
        let mut store = Store::in_memory().unwrap();
        FoodDb::open(&mut store).unwrap();
        b.iter(|| FoodDb::load(store.conn()).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

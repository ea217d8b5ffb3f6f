//! Speed of the diet workloads on the shipped table (5,236 foods): fuzzy search and a plan LP.
//! IDs: `search/{query}`, `plan/{case}`; `report/days_{n}`: parse + report of a log with n
//! distinct day labels (two foods a day), which must grow linearly in n (issue 15: 200,000
//! day labels took over a minute when each new day was searched for in a list).

use criterion::{criterion_group, criterion_main, Criterion};
use k2bone_diet::log::parse_csv;
use k2bone_diet::plan::{suggest, PlanOptions, Target};
use k2bone_diet::report::build;
use k2bone_diet::safety::SafetyProfile;
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

fn bench_report(c: &mut Criterion) {
    let db = FoodDb::open(&mut Store::in_memory().unwrap()).unwrap();
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    for n in [1_000usize, 10_000, 100_000] {
        let mut log = String::from("day,food,grams\n");
        for d in 0..n {
            log.push_str(&format!("d{d},natto,50\nd{d},spinach,100\n"));
        }
        g.bench_function(format!("days_{n}"), |b| {
            b.iter(|| {
                let l = parse_csv(&db, "log.csv", &log, false).unwrap();
                build(&db, &l, &SafetyProfile::default()).days.len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, bench_report);
criterion_main!(benches);

//! The retraining pipeline against real databases: skip, validate, promote or reject,
//! archive and prune, roll back, report, notify, cache, and the CLI around it.

mod cli;
mod notify;
mod pipeline;
mod rollback;

use crate::support::{Backend, TestDb};
use chrono::NaiveDate;
use rota::seed::{SeedOptions, seed};
use rota_entity::{demand_history, model_version, unit};
use rota_forecast::{TrainJob, TrainOutcome, UnitModel};
use rota_worker::retrain::report::{RetrainReport, UnitReport};
use rota_worker::retrain::settings::RetrainSettings;
use rota_worker::retrain::{self, ProphetTrainer, RetrainRun, Trainer};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::num::NonZeroUsize;
use std::sync::Arc;

/// The last day of the demo history every test seeds.
pub fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
}

/// A migrated database with `units` demo units of `days` days of demand each.
pub async fn seeded(backend: Backend, units: u32, days: u32) -> TestDb {
    let db = TestDb::new(backend).await;
    ::rota::db::migrate_up(&db.db)
        .await
        .expect("migrations apply");
    seed(
        &db.db,
        &SeedOptions {
            units,
            staff_per_unit: 2,
            days,
            seed: 42,
            end: end(),
        },
    )
    .await
    .expect("seed");
    db
}

/// Deletes all but the last `days` days of a unit's history.
pub async fn keep_last_days(db: &TestDb, unit_id: i32, days: i64) {
    demand_history::Entity::delete_many()
        .filter(demand_history::Column::UnitId.eq(unit_id))
        .filter(demand_history::Column::Date.lte(end() - chrono::Duration::days(days)))
        .exec(&db.db)
        .await
        .expect("history trimmed");
}

pub fn run_with(trainer: Arc<dyn Trainer>) -> RetrainRun {
    RetrainRun {
        unit_id: None,
        settings: RetrainSettings {
            days: 120,
            jobs: Some(2),
            ..RetrainSettings::default()
        },
        notify: None,
        job_id: None,
        trainer,
    }
}

pub fn prophet() -> RetrainRun {
    run_with(Arc::new(ProphetTrainer))
}

pub async fn retrain(db: &TestDb, run: &RetrainRun) -> RetrainReport {
    retrain::run(&db.db, run, Arc::new(|_, _, _| {}))
        .await
        .expect("the pipeline runs")
}

pub fn line<'a>(report: &'a RetrainReport, unit: &str) -> &'a UnitReport {
    report
        .units
        .iter()
        .find(|u| u.unit == unit)
        .unwrap_or_else(|| panic!("{unit} is in the report: {report:#?}"))
}

pub async fn unit_id(db: &TestDb, name: &str) -> i32 {
    unit::Entity::find()
        .filter(unit::Column::Name.eq(name))
        .one(&db.db)
        .await
        .expect("query")
        .expect("unit exists")
        .id
}

pub async fn versions_of(db: &TestDb, unit_id: i32) -> Vec<model_version::Model> {
    model_version::Entity::find()
        .filter(model_version::Column::UnitId.eq(unit_id))
        .order_by_asc(model_version::Column::Version)
        .all(&db.db)
        .await
        .expect("versions")
}

pub async fn set_holdout_mape(db: &TestDb, version_id: i32, mape: f64) {
    db.db
        .execute_unprepared(&format!(
            "UPDATE model_versions SET holdout_mape = {mape} WHERE id = {version_id}"
        ))
        .await
        .expect("update");
}

/// Trains like Prophet, then breaks one unit's model so that it predicts non-finite values
/// (its growth rate is set to 1e308: the trend overflows).
pub struct Breaking {
    pub unit: String,
}

impl Trainer for Breaking {
    fn train(
        &self,
        jobs: &[TrainJob],
        workers: NonZeroUsize,
        done: &(dyn Fn(&TrainOutcome) + Sync),
    ) -> Vec<TrainOutcome> {
        let mut outcomes = ProphetTrainer.train(jobs, workers, done);
        for outcome in &mut outcomes {
            if outcome.unit.as_str() != self.unit {
                continue;
            }
            let model = outcome.result.as_ref().expect("the unit trains");
            let mut json = serde_json::to_value(model).expect("serializes");
            assert_eq!(
                json["served_by"], "prophet",
                "the demo unit is served by Prophet"
            );
            json["prophet"]["k"] = serde_json::json!(1e308);
            json["prophet"]["m"] = serde_json::json!(-1e308);
            outcome.result = Ok(UnitModel::from_json(&json.to_string()).expect("reloads"));
        }
        outcomes
    }
}

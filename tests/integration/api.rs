//! The REST API through its router (no socket): auth, problem documents, CRUD, pagination,
//! bulk demand import, OpenAPI and metrics.

use crate::support::{Backend, TestDb};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use rota_api::AppState;
use rota_entity::TokenRole;
use serde_json::{Value, json};
use tower::ServiceExt;

struct TestApp {
    app: Router,
    state: AppState,
    admin: String,
    planner: String,
    viewer: String,
    _db: TestDb,
}

struct Reply {
    status: StatusCode,
    content_type: String,
    location: Option<String>,
    body: Value,
    text: String,
}

impl TestApp {
    async fn spawn(backend: Backend) -> Self {
        let db = TestDb::new(backend).await;
        rota::db::migrate_up(&db.db).await.expect("migrate");
        let token = |role| rota_api::auth::create_token(&db.db, role, None);
        let admin = token(TokenRole::Admin).await.expect("token");
        let planner = token(TokenRole::Planner).await.expect("token");
        let viewer = token(TokenRole::Viewer).await.expect("token");
        let jobs = rota::jobs::connect(
            &rota::settings::Settings::default(),
            db.db.clone(),
            &rota_worker::WorkerId::generate(),
        )
        .await
        .expect("in-process job system");
        let state = AppState::new(db.db.clone()).with_jobs(jobs);
        Self {
            app: rota_api::app(state.clone()),
            state,
            admin,
            planner,
            viewer,
            _db: db,
        }
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if !body.is_empty() {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(Body::from(body)).expect("request builds"))
            .await
            .expect("router answers");
        let status = response.status();
        let header_str = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header_str(header::CONTENT_TYPE).unwrap_or_default();
        let location = header_str(header::LOCATION);
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            content_type,
            location,
            body,
            text,
        }
    }

    async fn json(&self, method: &str, path: &str, token: &str, body: Value) -> Reply {
        self.send(
            method,
            path,
            Some(token),
            "application/json",
            body.to_string().into_bytes(),
        )
        .await
    }

    async fn get(&self, path: &str, token: &str) -> Reply {
        self.send("GET", path, Some(token), "", Vec::new()).await
    }

    async fn unit(&self, name: &str) -> i64 {
        let reply = self
            .json(
                "POST",
                "/api/v1/units",
                &self.planner,
                json!({"name": name}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body["id"].as_i64().expect("id")
    }

    async fn shift(&self, unit: i64, code: &str) -> i64 {
        let reply = self
            .json(
                "POST",
                &format!("/api/v1/units/{unit}/shift-types"),
                &self.planner,
                json!({"code": code, "name": code, "start": "07:00", "length_minutes": 480}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body["id"].as_i64().expect("id")
    }
}

fn assert_problem(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(
        reply.content_type, "application/problem+json",
        "{}",
        reply.text
    );
    assert_eq!(reply.body["code"], code, "{}", reply.text);
    assert_eq!(reply.body["status"], status.as_u16());
    assert!(reply.body["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

#[tokio::test]
async fn requests_without_a_valid_token_are_401_problems() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let none = app.send("GET", "/api/v1/units", None, "", Vec::new()).await;
    assert_problem(&none, StatusCode::UNAUTHORIZED, "unauthorized");
    let wrong = app.get("/api/v1/units", "rota_not_a_real_token").await;
    assert_problem(&wrong, StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn roles_limit_what_a_token_may_do() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let viewer_write = app
        .json("POST", "/api/v1/units", &app.viewer, json!({"name": "ICU"}))
        .await;
    assert_problem(&viewer_write, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(
        app.get("/api/v1/units", &app.viewer).await.status,
        StatusCode::OK
    );
    let unit = app.unit("ICU").await;
    let planner_delete = app
        .send(
            "DELETE",
            &format!("/api/v1/units/{unit}"),
            Some(&app.planner),
            "",
            vec![],
        )
        .await;
    assert_problem(&planner_delete, StatusCode::FORBIDDEN, "forbidden");
    let admin_delete = app
        .send(
            "DELETE",
            &format!("/api/v1/units/{unit}"),
            Some(&app.admin),
            "",
            vec![],
        )
        .await;
    assert_eq!(admin_delete.status, StatusCode::NO_CONTENT);
}

async fn unit_crud(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let created = app
        .json(
            "POST",
            "/api/v1/units",
            &app.planner,
            json!({"name": " Ward 7 ", "timezone": "Europe/London"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.body["id"].as_i64().expect("id");
    assert_eq!(
        created.location.as_deref(),
        Some(format!("/api/v1/units/{id}").as_str())
    );
    assert_eq!(created.body["name"], "Ward 7", "names are trimmed");

    let read = app.get(&format!("/api/v1/units/{id}"), &app.viewer).await;
    assert_eq!(read.body["name"], "Ward 7");

    let duplicate = app
        .json(
            "POST",
            "/api/v1/units",
            &app.planner,
            json!({"name": "Ward 7"}),
        )
        .await;
    assert_problem(&duplicate, StatusCode::CONFLICT, "conflict");

    let renamed = app
        .json(
            "PUT",
            &format!("/api/v1/units/{id}"),
            &app.planner,
            json!({"name": "Ward 8", "timezone": "UTC"}),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(renamed.body["timezone"], "UTC");

    let deleted = app
        .send(
            "DELETE",
            &format!("/api/v1/units/{id}"),
            Some(&app.admin),
            "",
            vec![],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = app.get(&format!("/api/v1/units/{id}"), &app.viewer).await;
    assert_problem(&gone, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn unit_create_read_update_delete_on_sqlite() {
    unit_crud(Backend::Sqlite).await;
}

#[tokio::test]
async fn unit_create_read_update_delete_on_postgres() {
    unit_crud(Backend::Postgres).await;
}

#[tokio::test]
async fn bad_bodies_get_the_right_status_and_name_the_field() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let malformed = app
        .send(
            "POST",
            "/api/v1/units",
            Some(&app.planner),
            "application/json",
            b"{\"name\":".to_vec(),
        )
        .await;
    assert_problem(&malformed, StatusCode::BAD_REQUEST, "malformed_request");

    let wrong_type = app
        .json("POST", "/api/v1/units", &app.planner, json!({"name": 7}))
        .await;
    assert_problem(
        &wrong_type,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(wrong_type.body["field"], "name");

    let bad_zone = app
        .json(
            "POST",
            "/api/v1/units",
            &app.planner,
            json!({"name": "A", "timezone": "Mars"}),
        )
        .await;
    assert_problem(
        &bad_zone,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(bad_zone.body["field"], "timezone");

    let not_json = app
        .send(
            "POST",
            "/api/v1/units",
            Some(&app.planner),
            "text/plain",
            b"name=A".to_vec(),
        )
        .await;
    assert_problem(
        &not_json,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );

    let huge = vec![b' '; rota_api::BODY_LIMIT + 1];
    let too_large = app
        .send(
            "POST",
            "/api/v1/units",
            Some(&app.planner),
            "application/json",
            huge,
        )
        .await;
    assert_problem(
        &too_large,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );

    let bad_path = app.get("/api/v1/units/seven", &app.viewer).await;
    assert_problem(&bad_path, StatusCode::BAD_REQUEST, "malformed_request");

    let no_route = app.get("/api/v1/nothing-here", &app.viewer).await;
    assert_problem(&no_route, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn lists_page_with_a_cursor() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for i in 0..5 {
        app.unit(&format!("Unit {i}")).await;
    }
    let mut names = Vec::new();
    let mut path = "/api/v1/units?limit=2".to_string();
    let mut pages = 0;
    loop {
        let reply = app.get(&path, &app.viewer).await;
        assert_eq!(reply.status, StatusCode::OK);
        pages += 1;
        for item in reply.body["items"].as_array().expect("items") {
            names.push(item["name"].as_str().expect("name").to_string());
        }
        match reply.body["next"].as_str() {
            Some(next) => path = format!("/api/v1/units?limit=2&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["Unit 0", "Unit 1", "Unit 2", "Unit 3", "Unit 4"]);
    let bad_limit = app.get("/api/v1/units?limit=0", &app.viewer).await;
    assert_eq!(bad_limit.body["field"], "limit");
}

#[tokio::test]
async fn shift_types_staff_and_calendar_validate_their_fields() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let unit = app.unit("ICU").await;
    let other = app.unit("Maternity").await;
    let early = app.shift(unit, "E").await;
    let foreign = app.shift(other, "E").await;

    let bad_start = app
        .json(
            "POST",
            &format!("/api/v1/units/{unit}/shift-types"),
            &app.planner,
            json!({"code": "L", "name": "Late", "start": "25:00", "length_minutes": 480}),
        )
        .await;
    assert_eq!(bad_start.body["field"], "start", "{}", bad_start.text);

    let contract = json!({"min_total_minutes": 9000, "max_total_minutes": 4000, "min_consecutive_days": 1,
        "max_consecutive_days": 5, "min_consecutive_days_off": 2, "max_weekends": 2});
    let bad_contract = app
        .json(
            "POST",
            &format!("/api/v1/units/{unit}/staff"),
            &app.planner,
            json!({"name": "Rosa", "contract": contract}),
        )
        .await;
    assert_eq!(
        bad_contract.body["field"], "contract.min_total_minutes",
        "{}",
        bad_contract.text
    );

    let contract = json!({"max_shifts_per_type": {"N": 4}, "min_total_minutes": 4000, "max_total_minutes": 9000,
        "min_consecutive_days": 1, "max_consecutive_days": 5, "min_consecutive_days_off": 2, "max_weekends": 2});
    let rosa = app
        .json(
            "POST",
            &format!("/api/v1/units/{unit}/staff"),
            &app.planner,
            json!({"name": "Rosa", "skills": ["senior"], "contract": contract}),
        )
        .await;
    assert_eq!(rosa.status, StatusCode::CREATED, "{}", rosa.text);
    assert_eq!(rosa.body["contract"]["max_shifts_per_type"]["N"], 4);
    let rosa = rosa.body["id"].as_i64().expect("id");

    let day_off = app
        .json(
            "POST",
            &format!("/api/v1/staff/{rosa}/days-off"),
            &app.planner,
            json!({"date": "2026-12-24", "reason": "leave"}),
        )
        .await;
    assert_eq!(day_off.status, StatusCode::CREATED, "{}", day_off.text);
    let twice = app
        .json(
            "POST",
            &format!("/api/v1/staff/{rosa}/days-off"),
            &app.planner,
            json!({"date": "2026-12-24"}),
        )
        .await;
    assert_problem(&twice, StatusCode::CONFLICT, "conflict");

    let foreign_shift = app
        .json(
            "POST",
            &format!("/api/v1/staff/{rosa}/requests"),
            &app.planner,
            json!({"date": "2026-12-20", "shift_type_id": foreign, "kind": "off", "weight": 3}),
        )
        .await;
    assert_eq!(
        foreign_shift.body["field"], "shift_type_id",
        "{}",
        foreign_shift.text
    );
    let request = app
        .json(
            "POST",
            &format!("/api/v1/staff/{rosa}/requests"),
            &app.planner,
            json!({"date": "2026-12-20", "shift_type_id": early, "kind": "off", "weight": 3}),
        )
        .await;
    assert_eq!(request.status, StatusCode::CREATED, "{}", request.text);
    assert_eq!(request.body["kind"], "off");

    let cover = |requirement| json!({"date": "2026-12-21", "shift_type_id": early, "requirement": requirement});
    let first = app
        .json(
            "PUT",
            &format!("/api/v1/units/{unit}/cover-overrides"),
            &app.planner,
            cover(5),
        )
        .await;
    let second = app
        .json(
            "PUT",
            &format!("/api/v1/units/{unit}/cover-overrides"),
            &app.planner,
            cover(7),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(
        second.body["id"], first.body["id"],
        "setting again replaces"
    );
    assert_eq!(second.body["requirement"], 7);
}

async fn demand_import(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let unit = app.unit("ICU").await;
    app.shift(unit, "E").await;
    app.shift(unit, "N").await;
    let path = format!("/api/v1/units/{unit}/demand");

    let csv = "date,shift,required\n2026-01-05,E,7\n2026-01-05,N,4\n2026-01-06,E,6\n";
    let ok = app
        .send("POST", &path, Some(&app.planner), "text/csv", csv.into())
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["rows"], 3);

    // One bad row among good ones: nothing is written, the bad rows are named.
    let bad = "date,shift,required\n2026-01-07,E,5\n2026-01-08,X,5\n2026-13-01,E,5\n";
    let rejected = app
        .send("POST", &path, Some(&app.planner), "text/csv", bad.into())
        .await;
    assert_problem(
        &rejected,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let fields: Vec<&str> = rejected.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    // An unparseable date stops the import before shift codes are checked.
    assert_eq!(fields, ["line 4.date"], "{}", rejected.text);
    let unknown_shift = "date,shift,required\n2026-01-07,E,5\n2026-01-08,X,5\n";
    let rejected = app
        .send(
            "POST",
            &path,
            Some(&app.planner),
            "text/csv",
            unknown_shift.into(),
        )
        .await;
    assert_eq!(rejected.body["field"], "line 3.shift", "{}", rejected.text);

    let json_bad = json!({"rows": [
        {"date": "2026-01-09", "shift": "E", "required": 5},
        {"date": "2026-01-09", "shift": "E", "required": 6},
        {"date": "2026-01-10", "shift": "N", "required": -1}
    ]});
    let rejected = app.json("POST", &path, &app.planner, json_bad).await;
    let fields: Vec<&str> = rejected.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        ["rows[1].date", "rows[2].required"],
        "{}",
        rejected.text
    );

    // Re-importing a day replaces its value.
    let replace = json!({"rows": [{"date": "2026-01-05", "shift": "E", "required": 9}]});
    assert_eq!(
        app.json("POST", &path, &app.planner, replace).await.status,
        StatusCode::OK
    );

    let read = app
        .get(
            &format!("{path}?from=2026-01-01&to=2026-01-31"),
            &app.viewer,
        )
        .await;
    let items = read.body["items"].as_array().expect("items");
    assert_eq!(
        items.len(),
        3,
        "only the first import's rows exist: {}",
        read.text
    );
    assert_eq!(
        items[0],
        json!({"date": "2026-01-05", "shift": "E", "required": 9})
    );
}

#[tokio::test]
async fn demand_import_is_all_or_nothing_on_sqlite() {
    demand_import(Backend::Sqlite).await;
}

#[tokio::test]
async fn demand_import_is_all_or_nothing_on_postgres() {
    demand_import(Backend::Postgres).await;
}

#[tokio::test]
async fn openapi_document_lists_the_routes_and_bearer_auth() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let reply = app
        .send("GET", "/api/v1/openapi.json", None, "", vec![])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    for path in [
        "/units",
        "/units/{id}",
        "/units/{id}/staff",
        "/units/{id}/demand",
        "/staff/{id}/requests",
    ] {
        assert!(reply.body["paths"].get(path).is_some(), "missing {path}");
    }
    assert!(reply.body["components"]["securitySchemes"]["bearer"].is_object());
    let docs = app.send("GET", "/api/v1/docs", None, "", vec![]).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.text.contains("openapi.json"));
}

#[tokio::test]
async fn metrics_expose_request_latency_by_route() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.get("/api/v1/units", &app.viewer).await;
    let reply = app.send("GET", "/metrics", None, "", vec![]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.text.contains("http_request_duration_seconds_bucket"),
        "{}",
        reply.text
    );
    assert!(
        reply.text.contains("route=\"/api/v1/units\""),
        "{}",
        reply.text
    );
}

async fn insert_model(
    db: &sea_orm::DatabaseConnection,
    unit: i32,
    version: i32,
    status: rota_entity::ModelStatus,
) {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    rota_entity::model_version::ActiveModel {
        unit_id: Set(unit),
        version: Set(version),
        algorithm: Set("prophet".into()),
        trained_at: Set(chrono::Utc::now()),
        train_start: Set(day),
        train_end: Set(day),
        model: Set(json!({})),
        holdout_mape: Set(Some(7.5)),
        baseline_mape: Set(Some(9.0)),
        status: Set(status),
        reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert model version");
}

#[tokio::test]
async fn activating_an_archived_version_rolls_back_and_archives_the_active_one() {
    use rota_entity::ModelStatus;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let unit = app.unit("ICU").await;
    let db = &app._db.db;
    insert_model(db, unit as i32, 1, ModelStatus::Archived).await;
    insert_model(db, unit as i32, 2, ModelStatus::Active).await;
    insert_model(db, unit as i32, 3, ModelStatus::Rejected).await;

    let path = |v: i32| format!("/api/v1/units/{unit}/models/{v}/activate");
    let planner = app.json("POST", &path(1), &app.planner, json!({})).await;
    assert_problem(&planner, StatusCode::FORBIDDEN, "forbidden");
    let rejected = app.json("POST", &path(3), &app.admin, json!({})).await;
    assert_problem(&rejected, StatusCode::CONFLICT, "conflict");
    let missing = app.json("POST", &path(9), &app.admin, json!({})).await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "not_found");

    let rollback = app.json("POST", &path(1), &app.admin, json!({})).await;
    assert_eq!(rollback.status, StatusCode::OK, "{}", rollback.text);
    assert_eq!(rollback.body["active"], true);

    let list = app
        .get(&format!("/api/v1/units/{unit}/models"), &app.viewer)
        .await;
    let statuses: Vec<(i64, String)> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| {
            (
                m["version"].as_i64().expect("v"),
                m["status"].as_str().expect("s").to_string(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            (3, "rejected".into()),
            (2, "archived".into()),
            (1, "active".into())
        ]
    );
}

#[tokio::test]
async fn jobs_read_back_with_status_progress_and_filters() {
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = uuid::Uuid::new_v4();
    let now = chrono::Utc::now();
    rota_entity::job::Model {
        id,
        kind: rota_entity::JobKind::Solve,
        status: rota_entity::JobStatus::Running,
        progress: 0.25,
        progress_message: Some("improving".into()),
        attempts: 1,
        max_attempts: 3,
        idempotency_key: None,
        unit_id: Some(4),
        payload: json!({}),
        result: None,
        error: None,
        worker_id: None,
        cancel_requested: false,
        created_at: now,
        updated_at: now,
        started_at: Some(now),
        finished_at: None,
    }
    .into_active_model()
    .insert(&app._db.db)
    .await
    .expect("insert job");

    let one = app.get(&format!("/api/v1/jobs/{id}"), &app.viewer).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    assert_eq!(one.body["status"], "running");
    assert_eq!(one.body["progress"], 0.25);
    assert_eq!(one.body["message"], "improving");

    let running = app.get("/api/v1/jobs?status=running", &app.viewer).await;
    assert_eq!(running.body["items"].as_array().map(Vec::len), Some(1));
    let done = app.get("/api/v1/jobs?status=succeeded", &app.viewer).await;
    assert_eq!(done.body["items"].as_array().map(Vec::len), Some(0));
    let bad = app.get("/api/v1/jobs?status=sleeping", &app.viewer).await;
    assert_eq!(bad.body["field"], "status");
    let missing = app
        .get(
            &format!("/api/v1/jobs/{}", uuid::Uuid::new_v4()),
            &app.viewer,
        )
        .await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn forecast_rota_and_report_reads_show_what_is_stored() {
    use rota_entity::*;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = TestApp::spawn(Backend::Sqlite).await;
    let db = &app._db.db;
    let unit = app.unit("ICU").await as i32;
    let early = app.shift(unit as i64, "E").await as i32;

    // No model yet: an empty forecast, not an error.
    let empty = app
        .get(&format!("/api/v1/units/{unit}/forecast"), &app.viewer)
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.body["model_version"], Value::Null);

    insert_model(db, unit, 1, ModelStatus::Active).await;
    store_forecasts(db, unit, early, 5.0).await;
    let ranged = app
        .get(
            &format!("/api/v1/units/{unit}/forecast?from=2026-12-02&to=2026-12-03"),
            &app.viewer,
        )
        .await;
    assert_eq!(ranged.body["model_version"], 1);
    assert_eq!(ranged.body["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(ranged.body["items"][0]["yhat"], 7.0);
    assert_eq!(ranged.body["items"][0]["shift"], "E");

    let none = app
        .get(&format!("/api/v1/units/{unit}/rotas/latest"), &app.viewer)
        .await;
    assert_problem(&none, StatusCode::NOT_FOUND, "not_found");
    let nurse = staff::ActiveModel {
        unit_id: Set(unit),
        name: Set("Rosa".into()),
        skills: Set(json!([])),
        max_shifts_per_type: Set(json!({})),
        min_total_minutes: Set(0),
        max_total_minutes: Set(9600),
        min_consecutive_days: Set(1),
        max_consecutive_days: Set(5),
        min_consecutive_days_off: Set(1),
        max_weekends: Set(2),
        active: Set(true),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("staff");
    let stored = rota::ActiveModel {
        unit_id: Set(unit),
        job_id: Set(None),
        horizon_start: Set(chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")),
        days: Set(7),
        status: Set(RotaStatus::Optimal),
        objective: Set(Some(12.0)),
        bound: Set(Some(12.0)),
        gap: Set(Some(0.0)),
        seconds: Set(1.5),
        published: Set(false),
        explanation: Set(Some(json!({"by_kind": {"cover_under": 12}}))),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("rota");
    assignment::ActiveModel {
        rota_id: Set(stored.id),
        staff_id: Set(nurse.id),
        date: Set(chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")),
        shift_type_id: Set(early),
        pinned: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("assignment");
    let latest = app
        .get(&format!("/api/v1/units/{unit}/rotas/latest"), &app.viewer)
        .await;
    assert_eq!(latest.status, StatusCode::OK, "{}", latest.text);
    assert_eq!(latest.body["status"], "optimal");
    assert_eq!(latest.body["assignments"][0]["staff"], "Rosa");
    assert_eq!(latest.body["assignments"][0]["shift"], "E");
    assert_eq!(latest.body["explanation"]["by_kind"]["cover_under"], 12);
    let by_id = app
        .get(&format!("/api/v1/rotas/{}", stored.id), &app.viewer)
        .await;
    assert_eq!(by_id.body["id"], latest.body["id"]);

    report::ActiveModel {
        kind: Set(ReportKind::Drift),
        created_at: Set(chrono::Utc::now()),
        body: Set(json!({"units": []})),
        markdown: Set("# Drift\n".into()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("report");
    let drift = app.get("/api/v1/reports?kind=drift", &app.viewer).await;
    assert_eq!(drift.body["items"][0]["markdown"], "# Drift\n");
    let retrain = app.get("/api/v1/reports?kind=retrain", &app.viewer).await;
    assert_eq!(retrain.body["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn dashboard_is_served_from_the_binary_and_stays_small() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut total = 0;
    for (path, kind) in [
        ("/", "text/html"),
        ("/app.js", "text/javascript"),
        ("/app.css", "text/css"),
    ] {
        let reply = app.send("GET", path, None, "", vec![]).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(
            reply.content_type.starts_with(kind),
            "{path}: {}",
            reply.content_type
        );
        total += reply.text.len();
    }
    // The whole first load, uncompressed.
    assert!(total < 500 * 1024, "dashboard is {total} bytes");
}

#[tokio::test]
async fn solve_is_accepted_as_a_job_once_per_idempotency_key() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let unit = app.unit("ICU").await;
    let path = format!("/api/v1/units/{unit}/solve");
    let body = json!({"horizon_start": "2026-11-30", "days": 28, "time_limit": 5});
    let send = |key: &'static str| {
        let request = Request::builder()
            .method("POST")
            .uri(path.clone())
            .header(header::AUTHORIZATION, format!("Bearer {}", app.planner))
            .header(header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", key)
            .body(Body::from(body.to_string()))
            .expect("request");
        app.app.clone().oneshot(request)
    };
    let first = send("ward-7-dec").await.expect("answer");
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let location = first.headers()[header::LOCATION]
        .to_str()
        .expect("ascii")
        .to_string();
    let second = send("ward-7-dec").await.expect("answer");
    assert_eq!(
        second.headers()[header::LOCATION].to_str().expect("ascii"),
        location
    );
    let other = send("ward-7-jan").await.expect("answer");
    assert_ne!(
        other.headers()[header::LOCATION].to_str().expect("ascii"),
        location
    );

    let job = app.get(&location, &app.viewer).await;
    assert_eq!(job.body["status"], "queued");
    assert_eq!(job.body["kind"], "solve");

    let not_monday = app
        .json(
            "POST",
            &path,
            &app.planner,
            json!({"horizon_start": "2026-12-01"}),
        )
        .await;
    assert_eq!(
        not_monday.body["field"], "horizon_start",
        "{}",
        not_monday.text
    );
    let bad_cover = app
        .json(
            "POST",
            &path,
            &app.planner,
            json!({"horizon_start": "2026-11-30", "cover": "guess"}),
        )
        .await;
    assert_eq!(bad_cover.body["field"], "cover");
    let viewer = app
        .json(
            "POST",
            &path,
            &app.viewer,
            json!({"horizon_start": "2026-11-30"}),
        )
        .await;
    assert_problem(&viewer, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn cancelling_a_queued_job_ends_its_event_stream() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let unit = app.unit("ICU").await;
    let accepted = app
        .json(
            "POST",
            &format!("/api/v1/units/{unit}/forecast"),
            &app.planner,
            json!({"horizon_days": 28}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.text);
    let location = accepted.location.expect("Location");

    let cancelled = app
        .send("DELETE", &location, Some(&app.planner), "", vec![])
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text);
    assert_eq!(cancelled.body["status"], "cancelled");

    // The stream sends the job's state and ends, because the job has ended.
    let events = app
        .send(
            "GET",
            &format!("{location}/events"),
            Some(&app.viewer),
            "",
            vec![],
        )
        .await;
    assert_eq!(events.status, StatusCode::OK);
    assert!(
        events.content_type.starts_with("text/event-stream"),
        "{}",
        events.content_type
    );
    assert!(events.text.contains("event: job"), "{}", events.text);
    assert!(
        events.text.contains("\"status\":\"cancelled\""),
        "{}",
        events.text
    );

    let retrain_by_planner = app
        .json("POST", "/api/v1/retrain", &app.planner, json!({}))
        .await;
    assert_problem(&retrain_by_planner, StatusCode::FORBIDDEN, "forbidden");
    let retrain = app
        .json(
            "POST",
            "/api/v1/retrain",
            &app.admin,
            json!({"unit_id": unit}),
        )
        .await;
    assert_eq!(retrain.status, StatusCode::ACCEPTED);
    let unknown_unit = app
        .json(
            "POST",
            "/api/v1/monitor",
            &app.planner,
            json!({"unit_id": 999}),
        )
        .await;
    assert_eq!(unknown_unit.body["field"], "unit_id");
}

/// Stores forecast rows of `unit` for 1–3 December 2026 with `yhat` = `base` + day.
async fn store_forecasts(db: &sea_orm::DatabaseConnection, unit: i32, shift: i32, base: f64) {
    use rota_entity::{forecast, model_version};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let model = model_version::Entity::find()
        .filter(model_version::Column::UnitId.eq(unit))
        .one(db)
        .await
        .expect("query")
        .expect("model");
    forecast::Entity::delete_many()
        .filter(forecast::Column::UnitId.eq(unit))
        .exec(db)
        .await
        .expect("delete forecasts");
    for day in 1..=3 {
        forecast::ActiveModel {
            unit_id: Set(unit),
            model_version_id: Set(model.id),
            date: Set(chrono::NaiveDate::from_ymd_opt(2026, 12, day).expect("date")),
            shift_type_id: Set(shift),
            yhat: Set(base + f64::from(day)),
            lower: Set(0.0),
            upper: Set(99.0),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("forecast row");
    }
}

#[tokio::test]
async fn forecast_reads_come_from_the_cache_until_a_forecast_event_rewarms_it() {
    use rota_entity::enums::{JobKind, JobStatus};
    use rota_worker::cache::keys;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let db = &app._db.db;
    let unit = app.unit("ICU").await as i32;
    let early = app.shift(unit as i64, "E").await as i32;
    insert_model(db, unit, 1, rota_entity::ModelStatus::Active).await;
    store_forecasts(db, unit, early, 5.0).await;
    let path = format!("/api/v1/units/{unit}/forecast");

    let first = app.get(&path, &app.viewer).await;
    assert_eq!(first.body["items"][0]["yhat"], 6.0, "{}", first.text);
    let cached = app
        .state
        .cache
        .get(&keys::forecasts(unit))
        .await
        .expect("cache");
    assert!(cached.is_some(), "the first read fills the cache");

    // The database changes behind the cache's back: reads still see the cached answer,
    // ranged reads included.
    store_forecasts(db, unit, early, 10.0).await;
    let again = app.get(&path, &app.viewer).await;
    assert_eq!(again.body["items"][0]["yhat"], 6.0);
    let ranged = app
        .get(&format!("{path}?from=2026-12-03"), &app.viewer)
        .await;
    assert_eq!(ranged.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(ranged.body["items"][0]["yhat"], 8.0);

    // A finished forecast job of the unit: the key is replaced with fresh rows at once.
    let event = rota_worker::JobEvent {
        job_id: uuid::Uuid::new_v4(),
        kind: JobKind::Forecast,
        status: JobStatus::Succeeded,
        unit_id: Some(unit),
        attempts: 1,
        result: None,
        error: None,
        at: chrono::Utc::now(),
    };
    rota_api::cache_sync::follow(
        app.state.clone(),
        futures::stream::iter([event]),
        tokio_util::sync::CancellationToken::new(),
    )
    .await;
    let warmed = app
        .state
        .cache
        .get(&keys::forecasts(unit))
        .await
        .expect("cache");
    assert!(
        warmed
            .as_deref()
            .is_some_and(|t| t.contains("\"yhat\":11.0")),
        "re-warmed with the new rows: {warmed:?}"
    );
    let fresh = app.get(&path, &app.viewer).await;
    assert_eq!(fresh.body["items"][0]["yhat"], 11.0);

    let metrics = app.send("GET", "/metrics", None, "", vec![]).await;
    for result in ["hit", "miss"] {
        assert!(
            metrics.text.contains(&format!(
                "rota_cache_requests_total{{cache=\"forecast\",result=\"{result}\"}}"
            )),
            "cache {result}s are counted: {}",
            metrics.text
        );
    }
}

#[tokio::test]
async fn activating_another_model_version_drops_the_cached_forecast() {
    use rota_entity::ModelStatus;
    use rota_worker::cache::keys;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let db = &app._db.db;
    let unit = app.unit("ICU").await as i32;
    let early = app.shift(unit as i64, "E").await as i32;
    insert_model(db, unit, 1, ModelStatus::Archived).await;
    insert_model(db, unit, 2, ModelStatus::Active).await;
    store_forecasts(db, unit, early, 5.0).await;
    app.get(&format!("/api/v1/units/{unit}/forecast"), &app.viewer)
        .await;
    assert!(
        app.state
            .cache
            .get(&keys::forecasts(unit))
            .await
            .expect("cache")
            .is_some()
    );
    let reply = app
        .json(
            "POST",
            &format!("/api/v1/units/{unit}/models/1/activate"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(
        app.state
            .cache
            .get(&keys::forecasts(unit))
            .await
            .expect("cache")
            .is_none()
    );
}

#[tokio::test]
async fn metrics_count_jobs_by_kind_and_status() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let unit = app.unit("ICU").await;
    let reply = app
        .json(
            "POST",
            &format!("/api/v1/units/{unit}/solve"),
            &app.planner,
            json!({"horizon_start": "2026-12-07"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    let metrics = app.send("GET", "/metrics", None, "", vec![]).await;
    assert!(
        metrics
            .text
            .contains("rota_jobs{kind=\"solve\",status=\"queued\"} 1"),
        "{}",
        metrics.text
    );
    assert!(
        metrics
            .text
            .contains("rota_jobs{kind=\"retrain\",status=\"dead\"} 0"),
        "{}",
        metrics.text
    );
}

#[tokio::test]
async fn readyz_reports_each_dependency_and_fails_on_a_model_that_does_not_load() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let ready = app.send("GET", "/readyz", None, "", vec![]).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text);
    assert_eq!(ready.body["database"]["status"], "ok");
    assert_eq!(ready.body["redis"]["status"], "not_configured");
    assert_eq!(ready.body["amqp"]["status"], "not_configured");
    assert_eq!(ready.body["models"]["status"], "ok");

    // An active version whose stored model is not a model.
    let unit = app.unit("ICU").await as i32;
    insert_model(&app._db.db, unit, 1, rota_entity::ModelStatus::Active).await;
    let broken = app.send("GET", "/readyz", None, "", vec![]).await;
    assert_eq!(broken.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(broken.body["status"], "unavailable");
    assert_eq!(broken.body["models"]["status"], "down");
    assert!(
        broken.body["models"]["error"]
            .as_str()
            .is_some_and(|e| e.contains(&format!("unit {unit} v1"))),
        "{}",
        broken.text
    );
}

//! sea-orm entities of rota's data model.
//!
//! The schema itself is created only by the `migration` crate; these types mirror it. Enumerated
//! columns are stored as short strings so that SQLite and PostgreSQL behave identically.

pub mod api_token;
pub mod assignment;
pub mod cover_override;
pub mod demand_history;
pub mod enums;
pub mod forecast;
pub mod job;
pub mod model_version;
pub mod report;
pub mod rota;
pub mod shift_request;
pub mod shift_type;
pub mod staff;
pub mod staff_day_off;
pub mod unit;

pub use enums::{JobKind, JobStatus, ModelStatus, ReportKind, RequestKind, RotaStatus, TokenRole};

/// Every entity, for code that must visit all tables (tests, admin tools).
pub mod prelude {
    pub use crate::api_token::Entity as ApiToken;
    pub use crate::assignment::Entity as Assignment;
    pub use crate::cover_override::Entity as CoverOverride;
    pub use crate::demand_history::Entity as DemandHistory;
    pub use crate::forecast::Entity as Forecast;
    pub use crate::job::Entity as Job;
    pub use crate::model_version::Entity as ModelVersion;
    pub use crate::report::Entity as Report;
    pub use crate::rota::Entity as Rota;
    pub use crate::shift_request::Entity as ShiftRequest;
    pub use crate::shift_type::Entity as ShiftType;
    pub use crate::staff::Entity as Staff;
    pub use crate::staff_day_off::Entity as StaffDayOff;
    pub use crate::unit::Entity as Unit;
}

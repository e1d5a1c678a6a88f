//! The tools: each asks the read model (or, for the write tools, the domain) the question
//! its CLI command asks, and answers with that command's `--json` document as structured
//! content, a text block that starts with the spoken sentence, and the document as text
//! (for clients that read only text).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::{schema_for_output, ToolCallContext};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, JsonObject,
};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_handler, tool_router, ErrorData, RoleServer, ServerHandler};
use schemars::JsonSchema;
use serde::Serialize;

use super::args::{
    chosen, AckArgs, AlertsArgs, ChecksArgs, CycleArgs, InsightsArgs, ListPropertiesArgs, LogArgs,
    NoArgs, PropertyArgs, StatusArgs,
};
use crate::checks::manual;
use crate::cli;
use crate::clock::Clock;
use crate::config::Loaded;
use crate::cycle::{self, CycleOptions, CycleReport, Selection};
use crate::exit::HbError;
use crate::store::{NotificationFilter, RunFilter, Store};
use crate::view;
use crate::view::alerts::{Acknowledged, NotificationList};
use crate::view::checks::{Board, RunReport};
use crate::view::insights::Insights;
use crate::view::logs::{RunDetail, RunList};
use crate::view::property::{ListFilter, PropertyHeartbeat, PropertyList};
use crate::view::status::StatusReport;
use crate::voice;

/// The tools that write: listed and callable only when writes are allowed.
pub const WRITE_TOOLS: [&str; 3] = [
    "trigger_system_heartbeat_cycle",
    "run_health_checks",
    "acknowledge_alert",
];

/// What every tool reads: the config, where the store is, the clock.
#[derive(Debug)]
pub struct Source {
    pub loaded: Loaded,
    pub store_path: PathBuf,
    pub clock: Clock,
    pub allow_writes: bool,
}

impl Source {
    fn now(&self) -> i64 {
        self.clock.now_ts()
    }

    /// Opened for each call, as each CLI command opens it: a store created, rebuilt or
    /// migrated after the server started is read as it is now.
    fn read_store(&self) -> Result<Store> {
        Store::open_read_only(&self.store_path)
    }

    fn read_store_if_any(&self) -> Result<Option<Store>> {
        if !self.store_path.exists() {
            return Ok(None);
        }
        Store::open_read_only(&self.store_path).map(Some)
    }
}

/// `get_heartbeat_log`'s answer: the log, or one run (`hb logs` or `hb logs RUN_ID`).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum HeartbeatLog {
    Runs(RunList),
    Run(Box<RunDetail>),
}

/// A document's output schema, its root typed `object` as MCP asks of structured content
/// (an untagged document, one of two objects, has no `type` of its own).
fn output<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    let mut schema = (*schema_for_output::<T>()).clone();
    schema
        .entry("type")
        .or_insert_with(|| serde_json::json!("object"));
    Arc::new(schema)
}

/// A tool's answer: the document as structured content; the spoken sentence, and the
/// document as JSON text (for clients that read only text).
fn answered<T: Serialize>(doc: &T, voice: String) -> CallToolResult {
    let (value, text) = match (serde_json::to_value(doc), serde_json::to_string(doc)) {
        (Ok(value), Ok(text)) => (value, text),
        (Err(err), _) | (_, Err(err)) => {
            return refused(format!("could not serialize the answer: {err}"));
        }
    };
    let mut result =
        CallToolResult::success(vec![ContentBlock::text(voice), ContentBlock::text(text)]);
    result.structured_content = Some(value);
    result
}

/// A tool error the assistant reads (and can say): what went wrong and what to do.
fn refused(message: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}

/// The error chain as the CLI prints it (`{err:#}`); a busy store says to try again.
fn failed(err: &anyhow::Error) -> CallToolResult {
    let said = format!("{err:#}");
    let hint = if crate::exit::code_for(err) == crate::exit::BUSY && !said.contains("try again") {
        " (another hb holds the store's lock: try again in a moment)"
    } else {
        ""
    };
    refused(format!("{said}{hint}"))
}

/// An unknown id's error, naming the tool that lists what there is (the CLI's hint names
/// its command).
fn listed_by(tool: &'static str) -> impl FnOnce(anyhow::Error) -> anyhow::Error {
    move |err| match err.downcast_ref::<HbError>() {
        Some(HbError::NotFound(_)) => {
            HbError::NotFound(format!("{err:#}; {tool} lists them")).into()
        }
        _ => err,
    }
}

/// The answer of `ask`, or the error it met.
fn answer<T: Serialize>(ask: impl FnOnce() -> Result<(T, String)>) -> CallToolResult {
    match ask() {
        Ok((doc, voice)) => answered(&doc, voice),
        Err(err) => failed(&err),
    }
}

/// `limit` as the CLI's `--limit`: absent is the command's default, 0 is no limit.
fn limit(given: Option<usize>, default: usize) -> Option<usize> {
    cli::row_limit(given.unwrap_or(default))
}

/// The MCP server: hb's tools over one config and store.
#[derive(Clone)]
pub struct Heartbeat {
    source: Arc<Source>,
    tool_router: ToolRouter<Self>,
}

impl Heartbeat {
    pub fn new(source: Source) -> Self {
        let mut tool_router = Self::tool_router();
        if !source.allow_writes {
            for name in WRITE_TOOLS {
                tool_router.remove_route(name);
            }
        }
        Heartbeat {
            source: Arc::new(source),
            tool_router,
        }
    }

    /// The names of the tools offered, in the order listed.
    pub fn tool_names(&self) -> Vec<String> {
        self.tool_router
            .list_all()
            .into_iter()
            .map(|t| t.name.to_string())
            .collect()
    }

    /// Why a call cannot run, before it runs: a write tool on a read-only server, or a
    /// tool that does not exist.
    fn refusal(&self, name: &str) -> Option<CallToolResult> {
        if self.tool_router.has_route(name) {
            return None;
        }
        if WRITE_TOOLS.contains(&name) {
            return Some(refused(format!(
                "`{name}` writes, and this server is read-only: restart it as `hb mcp \
                 --allow-writes`, or set `[mcp] allow_writes = true` in heartbeat.toml"
            )));
        }
        Some(refused(format!(
            "no tool named `{name}`: the tools are {} (tools/list describes them)",
            self.tool_names().join(", ")
        )))
    }

    /// Arguments the tool could not take: why, and what it takes.
    fn bad_arguments(&self, name: &str, why: &str) -> CallToolResult {
        let takes = self
            .tool_router
            .get(name)
            .map(|tool| serde_json::Value::Object((*tool.input_schema).clone()).to_string())
            .unwrap_or_default();
        refused(format!(
            "bad arguments for `{name}`: {why}; call it again with arguments that match its \
             input schema: {takes}"
        ))
    }
}

#[tool_router]
impl Heartbeat {
    #[tool(
        description = "One property's pipeline heartbeat, as `hb property ID --json`: its stage, \
            the four-item checklist, days in stage, health (healthy, stale, snoozed or blocked), the next \
            action and a sentence to say. Answers \"What's the heartbeat on property 5?\". Reads only.",
        output_schema = output::<PropertyHeartbeat>(),
        annotations(title = "Property heartbeat", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    fn get_property_heartbeat(&self, Parameters(args): Parameters<PropertyArgs>) -> CallToolResult {
        answer(|| {
            let s = &self.source;
            let store = s.read_store()?;
            let doc =
                view::property::heartbeat(&store, &s.loaded.config, args.property_id, s.now())
                    .map_err(listed_by("list_properties"))?;
            let voice = doc.voice_summary.clone();
            Ok((doc, voice))
        })
    }

    #[tool(
        description = "The portfolio, most overdue first, as `hb property list --json`: each \
            property's stage, health, days in stage and days past its stage's limit, filtered by \
            health and stage. `total` counts every match. Reads only.",
        output_schema = output::<PropertyList>(),
        annotations(title = "Properties", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    fn list_properties(&self, Parameters(args): Parameters<ListPropertiesArgs>) -> CallToolResult {
        answer(|| {
            let s = &self.source;
            let store = s.read_store()?;
            let filter = ListFilter {
                health: chosen(args.health),
                stage: chosen(args.stage),
                limit: limit(args.limit, cli::DEFAULT_LIMIT),
            };
            let doc = view::property::list(&store, &s.loaded.config, filter, s.now())?;
            let voice = voice::property_list(&doc, &filter);
            Ok((doc, voice))
        })
    }

    #[tool(
        description = "What needs attention in the portfolio now, highest priority first, as \
            `hb insights --json`: blocked and stale properties, missed and near contract \
            deadlines, unsigned contracts, idle high-score deals, missing enrichment or skip \
            trace. Answers \"What needs attention?\". Reads only.",
        output_schema = output::<Insights>(),
        annotations(title = "Insights", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    fn get_insights(&self, Parameters(args): Parameters<InsightsArgs>) -> CallToolResult {
        answer(|| {
            let s = &self.source;
            let store = s.read_store()?;
            let limit = limit(args.limit, cli::DEFAULT_LIMIT);
            let doc = view::insights::insights(&store, &s.loaded.config, limit, s.now())?;
            let voice = doc.voice_summary.clone();
            Ok((doc, voice))
        })
    }

    #[tool(
        description = "Whether the system heartbeat (the autonomous agent) is running, as `hb \
            status --json`: the Nagios verdict and its reasons, the last cycle and whether it is \
            overdue, each module, the check board with uptime and latency over the window, open \
            notifications. Answers \"What's the system heartbeat status?\" and \"Is the autonomous \
            agent running?\". Reads only.",
        output_schema = output::<StatusReport>(),
        annotations(title = "System heartbeat status", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    fn get_system_heartbeat_status(
        &self,
        Parameters(args): Parameters<StatusArgs>,
    ) -> CallToolResult {
        answer(|| {
            let s = &self.source;
            let given = args.window.as_deref().unwrap_or(cli::DEFAULT_WINDOW);
            let window = crate::duration::ANY
                .parse(given)
                .map_err(|e| HbError::Usage(format!("window: {e:#}")))?;
            let store = s.read_store_if_any()?;
            let doc = view::status::report(
                store.as_ref(),
                &s.store_path,
                &s.loaded.config,
                s.now(),
                window,
            )?;
            let voice = match &doc {
                StatusReport::Full(full) => full.voice_summary.clone(),
                StatusReport::NoStore(none) => none.voice_summary.clone(),
            };
            Ok((doc, voice))
        })
    }

    #[tool(
        description = "The heartbeat's run log, newest first, as `hb logs --json` (limit 1: the \
            last cycle), or one run in detail with its modules' and checks' results, as `hb logs \
            RUN_ID --json`. Answers \"Show me the last heartbeat cycle\". Reads only.",
        output_schema = output::<HeartbeatLog>(),
        annotations(title = "Heartbeat log", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    fn get_heartbeat_log(&self, Parameters(args): Parameters<LogArgs>) -> CallToolResult {
        answer(|| {
            let s = &self.source;
            let store = s.read_store()?;
            if let Some(id) = args.run_id {
                let detail = view::logs::run(&store, id).map_err(listed_by("get_heartbeat_log"))?;
                let voice = voice::run(&detail);
                return Ok((HeartbeatLog::Run(Box::new(detail)), voice));
            }
            let filter = RunFilter {
                limit: limit(args.limit, cli::LOGS_DEFAULT_LIMIT),
                ..RunFilter::default()
            };
            let list = view::logs::runs(&store, &s.loaded.config, &filter)?;
            let voice = voice::runs(&list);
            Ok((HeartbeatLog::Runs(list), voice))
        })
    }

    #[tool(
        description = "The health checks of the protocol, as `hb checks --json`: each check's \
            group, type, cadence, latest status and since when, whether that result counted, \
            its streaks and when it is next due. Reads only.",
        output_schema = output::<Board>(),
        annotations(title = "Health checks", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    fn list_checks(&self, Parameters(_): Parameters<NoArgs>) -> CallToolResult {
        answer(|| {
            let s = &self.source;
            let store = s.read_store_if_any()?;
            let doc = view::checks::board(store.as_ref(), &s.loaded.config, s.now())?;
            let voice = voice::board(&doc);
            Ok((doc, voice))
        })
    }

    #[tool(
        description = "The notifications the heartbeat raised, most urgent and newest first, as \
            `hb alerts --json`: open ones (not resolved, not acknowledged), or all of them, by \
            priority and kind. `total` counts every match. Reads only.",
        output_schema = output::<NotificationList>(),
        annotations(title = "Notifications", read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    fn list_alerts(&self, Parameters(args): Parameters<AlertsArgs>) -> CallToolResult {
        answer(|| {
            let s = &self.source;
            let store = s.read_store()?;
            let filter = NotificationFilter {
                priority: chosen(args.priority),
                kind: chosen(args.kind),
                all: args.all,
                limit: limit(args.limit, cli::DEFAULT_LIMIT),
            };
            let doc = view::alerts::notifications(&store, &filter)?;
            let voice = voice::notifications(&doc);
            Ok((doc, voice))
        })
    }

    #[tool(
        description = "Run one system-heartbeat cycle now, as `hb cycle --json`: the modules \
            that are due (or exactly the ones named), recorded as a run; findings become \
            notifications and alerts on the configured channels, and failing checks run their \
            remediation commands as in any cycle. A cycle already running is an error that says \
            so. Writes (only with `hb mcp --allow-writes`).",
        output_schema = output::<CycleReport>(),
        annotations(title = "Trigger a heartbeat cycle", read_only_hint = false, destructive_hint = true, idempotent_hint = false, open_world_hint = true)
    )]
    fn trigger_system_heartbeat_cycle(
        &self,
        Parameters(args): Parameters<CycleArgs>,
    ) -> CallToolResult {
        answer(|| {
            let s = &self.source;
            let selection = match args.modules {
                Some(modules) if !modules.is_empty() => {
                    Selection::Only(modules.into_iter().map(|m| m.0).collect())
                }
                _ => Selection::Due,
            };
            let options = CycleOptions {
                selection,
                dry_run: args.dry_run,
                full: false,
                no_remediate: false,
                pid: i64::from(std::process::id()),
            };
            let report = cycle::heartbeat::run(&s.loaded, &s.store_path, s.now(), &options)?;
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            let voice = report.voice_summary.clone();
            Ok((report, voice))
        })
    }

    #[tool(
        description = "Run health checks now, by hand, as `hb checks run NAME... --json`: the \
            named checks (default: every enabled one), recorded as a manual run that the boards \
            show but that counts toward no alert or escalation, and that never runs remediation \
            commands. Checks reach the services they watch. Writes (only with `hb mcp \
            --allow-writes`).",
        output_schema = output::<RunReport>(),
        annotations(title = "Run health checks", read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = true)
    )]
    fn run_health_checks(&self, Parameters(args): Parameters<ChecksArgs>) -> CallToolResult {
        answer(|| {
            let s = &self.source;
            let names = args.names.unwrap_or_default();
            let selection = if names.is_empty() {
                manual::Selection::All
            } else {
                manual::Selection::Named(&names)
            };
            // Recorded, and never remediating: an assistant's run changes no service.
            let options = manual::Options {
                record: true,
                remediate: false,
            };
            let run = manual::run(&s.loaded, &s.store_path, selection, options, s.now())?;
            let report = RunReport::new(run.run_id, &run.outcomes);
            let voice = voice::checks_run(&report);
            Ok((report, voice))
        })
    }

    #[tool(
        description = "Acknowledge notifications by id, as `hb alerts ack ID... --json`: they \
            leave the open list and are not re-notified (all or none: an unknown id acknowledges \
            none). Acknowledging again changes nothing. Writes (only with `hb mcp \
            --allow-writes`).",
        output_schema = output::<Acknowledged>(),
        annotations(title = "Acknowledge notifications", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    fn acknowledge_alert(&self, Parameters(args): Parameters<AckArgs>) -> CallToolResult {
        answer(|| {
            let s = &self.source;
            if args.ids.is_empty() {
                return Err(HbError::Usage(
                    "`ids` is empty: give the ids of the notifications to acknowledge".into(),
                )
                .into());
            }
            let mut store = Store::open_existing(&s.store_path)?;
            store
                .ack_notifications(&args.ids, s.now())
                .map_err(listed_by("list_alerts (with all: true)"))?;
            let doc = Acknowledged {
                acknowledged: args.ids,
            };
            let voice = voice::acknowledged(&doc);
            Ok((doc, voice))
        })
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "hb",
    instructions = "hb is the heartbeat of a real-estate deal platform. get_system_heartbeat_status \
        says whether the heartbeat (the autonomous agent) is running, get_insights what needs \
        attention, get_property_heartbeat where one property stands. Every result's first text is \
        one sentence to say aloud; the structured content is the same document as the hb \
        command's --json."
)]
impl ServerHandler for Heartbeat {
    /// The router's call, with the caller's mistakes as tool errors that say what to do: a
    /// write tool on a read-only server, an unknown tool (both protocol errors in the SDK,
    /// which clients hide), arguments that do not match the schema (the SDK's own text).
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        if let Some(refusal) = self.refusal(&name) {
            return Ok(refusal.into());
        }
        let call = ToolCallContext::new(self, request, context);
        Ok(match self.tool_router.call(call).await? {
            CallToolResponse::Complete(result) => match argument_error(&result) {
                Some(why) => self.bad_arguments(&name, why),
                None => result,
            }
            .into(),
            other => other,
        })
    }
}

/// The SDK's text for arguments that did not deserialize, if that is what `result` is.
fn argument_error(result: &CallToolResult) -> Option<&str> {
    if result.is_error != Some(true) {
        return None;
    }
    let text = &result.content.first()?.as_text()?.text;
    text.strip_prefix("failed to deserialize parameters: ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(allow_writes: bool) -> Heartbeat {
        Heartbeat::new(Source {
            loaded: Loaded::default(),
            store_path: PathBuf::from("/nonexistent/hb.db"),
            clock: Clock::new(None),
            allow_writes,
        })
    }

    #[test]
    fn write_tools_are_listed_only_when_allowed() {
        let read_only = server(false).tool_names();
        assert_eq!(read_only.len(), 7, "{read_only:?}");
        assert!(WRITE_TOOLS
            .iter()
            .all(|w| !read_only.iter().any(|n| n == w)));
        let all = server(true).tool_names();
        assert_eq!(all.len(), 10, "{all:?}");
        assert!(WRITE_TOOLS.iter().all(|w| all.iter().any(|n| n == w)));
    }

    #[test]
    fn every_tool_has_annotations_and_an_object_output_schema() {
        for tool in server(true).tool_router.list_all() {
            let a = tool.annotations.as_ref().expect("annotations");
            let write = WRITE_TOOLS.contains(&tool.name.as_ref());
            assert_eq!(a.read_only_hint, Some(!write), "{}", tool.name);
            assert!(a.destructive_hint.is_some() && a.idempotent_hint.is_some());
            assert!(a.open_world_hint.is_some(), "{}", tool.name);
            let schema = tool.output_schema.as_ref().expect("output schema");
            assert_eq!(schema.get("type"), Some(&serde_json::json!("object")));
            assert_eq!(
                tool.input_schema.get("type"),
                Some(&serde_json::json!("object"))
            );
        }
    }

    #[test]
    fn a_refused_write_says_how_to_enable_it_and_an_unknown_tool_lists_the_tools() {
        let text = |r: CallToolResult| {
            assert_eq!(r.is_error, Some(true));
            r.content[0]
                .as_text()
                .map(|t| t.text.clone())
                .unwrap_or_default()
        };
        let refused = text(server(false).refusal("acknowledge_alert").expect("refused"));
        assert!(refused.contains("hb mcp --allow-writes"), "{refused}");
        assert!(refused.contains("[mcp] allow_writes = true"), "{refused}");
        let unknown = text(server(false).refusal("get_weather").expect("refused"));
        assert!(
            unknown.starts_with("no tool named `get_weather`: the tools are get_heartbeat_log, "),
            "{unknown}"
        );
        assert!(server(true).refusal("acknowledge_alert").is_none());
    }
}

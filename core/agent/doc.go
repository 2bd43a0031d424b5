// Package agent runs CloudMoo's long-lived part as a small per-user process
// and lets windows and the command line talk to it, the way ssh-agent or the
// Docker daemon do: HTTP/1.1 with JSON over a Unix-domain socket.
//
// A Fyne window costs CPU and memory even when hidden, so the agent owns the
// projects, the keychain and the monitor (a service.Local) and serves it;
// the window is a Client, which is a service.Service too. There is one agent
// per config directory; its socket is SocketPath(configDir), mode 0600 in a
// 0700 directory, next to an instance lock (agent.sock.lock).
//
// # Protocol
//
// Every request carries the header "CloudMoo-Protocol: 1"; without it, or
// with another version, the agent answers 400 with the code
// protocol_mismatch. Every response carries CloudMoo-Protocol and
// CloudMoo-PID. Request bodies are JSON of at most 64 KiB (413 above);
// replies are JSON. A failure is
//
//	{"error":{"code":"duplicate_name","message":"…what happened and what to do…"}}
//
// where code is service.ErrorCode of the error (malformed_token,
// duplicate_name, not_found, token_rejected, not_verified, …, "error" for
// anything else) or one of the agent's own: protocol_mismatch, bad_request,
// request_too_large, unknown_endpoint, method_not_allowed, not_supported.
// A Client turns it back into a *service.CodedError, so errors.Is matches
// the sentinel as it would in-process.
//
// Tokens travel one way: in the bodies of check-token, add and
// replace-token. No reply, event or log line of the agent contains one;
// the agent logs no request bodies.
//
// # Endpoints
//
//	GET  /v1/status             Status: {"running":true,"pid":…,"socket":…,"projects":…,"uptime_s":…,"version":…,"demo":…,"windows":…,…}
//	GET  /v1/snapshot           service.Snapshot
//	GET  /v1/events             Server-Sent Events, one "data: <service.Event JSON>" per event,
//	                            ": heartbeat" every 15 s; "CloudMoo-Client: window" counts a window
//	GET  /v1/history?id=ID      {"points":[ratelimit.Point…]}
//	POST /v1/check-token        {"token":"…"}                          → service.TokenReport
//	POST /v1/add                service.AddRequest {"name","token","skip_check","permission"} → service.ProjectState
//	POST /v1/rename             {"id":"ID or name","name":"new name"}  → service.ProjectState
//	POST /v1/replace-token      service.ReplaceRequest {"id","token","skip_check","permission"} → service.ProjectState
//	POST /v1/remove             {"id":"…"}                             → {"ok":true}
//	POST /v1/check-now          {"ids":["…"]} (none = all)             → {"projects":[service.ProjectState…]}
//	POST /v1/detect-permission  {"id":"…"}                             → service.ProjectState; on error the
//	                            state, when there is one, is in "partial" next to "error"
//	POST /v1/settings           project.Settings                       → project.Settings
//	POST /v1/show               {"id":"project, optional"}             → {"ok":true,"windows":N}
//	POST /v1/quit               (no body)                              → 202 {"ok":true}, then the agent stops
//
// An empty body counts as {}. Event streams get a show_window event (Seq 0:
// a request, not a change of state) whenever show is called; state events
// have strictly increasing Seq, and a subscriber that falls behind gets a
// resync event and should take a new snapshot.
//
// # Debugging with curl
//
//	S=~/.config/cloudmoo/agent/agent.sock   # Linux; <CLOUDMOO_CONFIG_DIR>/agent/agent.sock when set
//	curl -s --unix-socket $S -H 'CloudMoo-Protocol: 1' http://agent/v1/status
//	curl -sN --unix-socket $S -H 'CloudMoo-Protocol: 1' http://agent/v1/events
//	curl -s --unix-socket $S -H 'CloudMoo-Protocol: 1' -d '{"id":"prod","name":"production"}' http://agent/v1/rename
//
// The host name in the URL is ignored.
package agent

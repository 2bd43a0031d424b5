package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/cloudmoo/cloudmoo-desktop/core/project"
	"github.com/cloudmoo/cloudmoo-desktop/core/service"
)

// route is one endpoint: the method it answers and its handler.
type route struct {
	method string
	handle http.HandlerFunc
}

// routeTable lists every endpoint; doc.go describes them for curl.
func (s *Server) routeTable() map[string]route {
	get, post := http.MethodGet, http.MethodPost
	return map[string]route{
		"/v1/status":   {get, s.handleStatus},
		"/v1/snapshot": {get, s.handleSnapshot},
		"/v1/events":   {get, s.handleEvents},
		"/v1/history":  {get, s.handleHistory},
		"/v1/check-token": {post, intent(func(ctx context.Context, req tokenRequest) (service.TokenReport, error) {
			return s.svc.CheckToken(ctx, req.Token)
		})},
		"/v1/add": {post, intent(s.svc.Add)},
		"/v1/rename": {post, intent(func(ctx context.Context, req renameRequest) (service.ProjectState, error) {
			return s.svc.Rename(ctx, req.ID, req.Name)
		})},
		"/v1/replace-token": {post, intent(s.svc.ReplaceToken)},
		"/v1/remove": {post, intent(func(ctx context.Context, req idRequest) (okReply, error) {
			return okReply{OK: true}, s.svc.Remove(ctx, req.ID)
		})},
		"/v1/check-now": {post, intent(func(ctx context.Context, req checkNowRequest) (projectsReply, error) {
			states, err := s.svc.CheckNow(ctx, req.IDs...)
			return projectsReply{Projects: states}, err
		})},
		"/v1/detect-permission": {post, s.handleDetectPermission},
		"/v1/settings": {post, intent(func(ctx context.Context, req project.Settings) (project.Settings, error) {
			return s.svc.UpdateSettings(ctx, req)
		})},
		"/v1/show": {post, intent(func(_ context.Context, req idRequest) (showReply, error) {
			return showReply{OK: true, Windows: s.Show(req.ID)}, nil
		})},
		"/v1/quit": {post, s.handleQuit},
	}
}

// ServeHTTP checks the protocol version and dispatches to the endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set(HeaderProtocol, strconv.Itoa(ProtocolVersion))
	h.Set(HeaderPID, s.pid)
	if v := r.Header.Get(HeaderProtocol); !protocolOK(v) {
		msg := fmt.Sprintf("the agent speaks protocol %d but this request says %q: restart CloudMoo so window and agent are the same version (quit CloudMoo, including its agent, and start it again)", ProtocolVersion, v)
		if v == "" {
			msg = fmt.Sprintf("the request has no %s header; the agent speaks protocol %d (with curl add -H '%s: %d'). If this is a CloudMoo window, restart CloudMoo so window and agent are the same version", HeaderProtocol, ProtocolVersion, HeaderProtocol, ProtocolVersion)
		}
		writeWireError(w, http.StatusBadRequest, CodeProtocolMismatch, msg)
		return
	}
	rt, ok := s.routes[r.URL.Path]
	if !ok {
		writeWireError(w, http.StatusNotFound, CodeUnknownEndpoint, fmt.Sprintf("the agent has no endpoint %s; see the documentation of package agent for the list", r.URL.Path))
		return
	}
	if r.Method != rt.method {
		h.Set("Allow", rt.method)
		writeWireError(w, http.StatusMethodNotAllowed, CodeMethod, fmt.Sprintf("%s takes %s, not %s", r.URL.Path, rt.method, r.Method))
		return
	}
	rt.handle(w, r)
}

// intent makes a handler of a service call that takes one JSON body.
func intent[Req, Resp any](call func(context.Context, Req) (Resp, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req Req
		if !decodeBody(w, r, &req) {
			return
		}
		resp, err := call(r.Context(), req)
		if err != nil {
			writeError(w, err, nil)
			return
		}
		writeJSON(w, http.StatusOK, resp)
	}
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.Status(r.Context())
	if err != nil {
		writeError(w, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) handleSnapshot(w http.ResponseWriter, r *http.Request) {
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		writeError(w, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, snap)
}

func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) {
	points, err := s.svc.History(r.Context(), r.URL.Query().Get("id"))
	if err != nil {
		writeError(w, err, nil)
		return
	}
	writeJSON(w, http.StatusOK, historyReply{Points: points})
}

// handleDetectPermission keeps the state DetectPermission returns with an
// error (the permission is unknown, and why).
func (s *Server) handleDetectPermission(w http.ResponseWriter, r *http.Request) {
	var req idRequest
	if !decodeBody(w, r, &req) {
		return
	}
	st, err := s.svc.DetectPermission(r.Context(), req.ID)
	if err != nil {
		var partial any
		if st.ID != "" {
			partial = st
		}
		writeError(w, err, partial)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) handleQuit(w http.ResponseWriter, r *http.Request) {
	if s.opts.Quit == nil {
		writeWireError(w, http.StatusNotImplemented, CodeUnsupported, "this agent cannot be stopped over its socket; stop its process instead")
		return
	}
	writeJSON(w, http.StatusAccepted, okReply{OK: true})
	// Quit ends Serve, which waits for this handler: never call it inline.
	go s.opts.Quit()
}

// decodeBody reads a JSON body of at most MaxRequestBody bytes into v. An
// empty body leaves v zero. It answers the request itself on failure.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxRequestBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return true
	}
	if err == nil {
		if _, terr := dec.Token(); !errors.Is(terr, io.EOF) {
			err = terr
			if err == nil {
				err = errors.New("extra data after the JSON object")
			}
		}
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeWireError(w, http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("the request body is larger than %d KiB; no request to the agent needs that much, so this is not a CloudMoo client or it is broken", MaxRequestBody>>10))
		return false
	}
	writeWireError(w, http.StatusBadRequest, CodeBadRequest, "the request body is not what "+r.URL.Path+" takes: "+describeJSONError(err))
	return false
}

// describeJSONError says what is wrong with a body without quoting it: a
// body may hold a token.
func describeJSONError(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q must be a %s", typ.Field, typ.Type)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too early"
	}
	msg := err.Error()
	if len(msg) > 64 {
		msg = "an unknown field or malformed JSON"
	}
	return msg
}

// writeError answers with a service error, keeping its kind as the code.
func writeError(w http.ResponseWriter, err error, partial any) {
	writeJSON(w, httpStatus(err), errorBody{
		Error:   wireError{Code: service.ErrorCode(err), Message: err.Error()},
		Partial: partial,
	})
}

func writeWireError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Error: wireError{Code: code, Message: msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

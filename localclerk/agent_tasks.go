package localclerk

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Agent tasks: the Backend API creates a single-use ticket on behalf of a
// user (POST /agents/tasks), and a browser automation tool that opens its
// URL (the Frontend API's GET /v1/agents/tasks?ticket=…) gets a session
// for that user, with no sign-in page and no second factor, delivered as
// a handshake to the task's redirect_url.

const (
	kindAgentTask = "agent_task"
	nsAgentTicket = "agent_task:ticket"
)

// agentTaskDefaultSession is how long an agent task's session lasts
// unless the task says otherwise (Clerk's default, 30 minutes).
const agentTaskDefaultSession = 1800

// agentTask is a ticket created through the Backend API.
type agentTask struct {
	ID          string `json:"id"`
	AgentID     string `json:"agent_id"`
	AgentName   string `json:"agent_name"`
	Description string `json:"task_description"`
	UserID      string `json:"user_id"`
	Ticket      string `json:"ticket"`
	RedirectURL string `json:"redirect_url"`
	SessionSecs int64  `json:"session_max_duration_in_seconds"`
	Status      string `json:"status"` // pending, accepted or revoked
	CreatedAt   int64  `json:"created_at"`
	UpdatedAt   int64  `json:"updated_at"`
}

func (t *txn) agentTasks() repo[agentTask] {
	return newRepo(t, kindAgentTask, func(a *agentTask) string { return a.ID })
}

func (t *txn) agentTickets() uniqueKeys { return uniqueKeys{t, nsAgentTicket} }

// agentTaskWire is the Backend API's AgentTask object.
type agentTaskWire struct {
	Object      string `json:"object"` // "agent_task"
	AgentID     string `json:"agent_id"`
	AgentTaskID string `json:"agent_task_id"`
	TaskID      string `json:"task_id"`
	URL         string `json:"url,omitempty"` // only when created
}

func (inst *Instance) agentTaskJSON(a *agentTask, withURL bool) *agentTaskWire {
	out := &agentTaskWire{Object: "agent_task", AgentID: a.AgentID, AgentTaskID: a.ID, TaskID: a.ID}
	if withURL {
		out.URL = inst.FrontendAPIURL + "/v1/agents/tasks?ticket=" + url.QueryEscape(a.Ticket)
	}
	return out
}

// agentID is stable per agent name within an instance.
func (inst *Instance) agentID(name string) string {
	sum := sha256.Sum256([]byte(inst.KeyID + "\x00" + name))
	return "agent_" + hex.EncodeToString(sum[:14])
}

func (inst *Instance) bapiCreateAgentTask(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var p struct {
		OnBehalfOf *struct {
			UserID     string `json:"user_id"`
			Identifier string `json:"identifier"`
		} `json:"on_behalf_of"`
		Permissions     string `json:"permissions"`
		AgentName       string `json:"agent_name"`
		TaskDescription string `json:"task_description"`
		RedirectURL     string `json:"redirect_url"`
		SessionSecs     *int64 `json:"session_max_duration_in_seconds"`
	}
	if err := decodeBody(w, r, &p); err != nil {
		return nil, 0, err
	}
	switch {
	case p.OnBehalfOf == nil:
		return nil, 0, errMissing("on_behalf_of")
	case (p.OnBehalfOf.UserID == "") == (p.OnBehalfOf.Identifier == ""):
		return nil, 0, errInvalid("on_behalf_of", "on_behalf_of needs exactly one of user_id and identifier.")
	case p.Permissions == "":
		return nil, 0, errMissing("permissions")
	case p.Permissions != "*":
		return nil, 0, errInvalid("permissions", `permissions must be "*".`)
	case strings.TrimSpace(p.AgentName) == "":
		return nil, 0, errMissing("agent_name")
	case strings.TrimSpace(p.TaskDescription) == "":
		return nil, 0, errMissing("task_description")
	case p.RedirectURL == "":
		return nil, 0, errMissing("redirect_url")
	case p.SessionSecs != nil && (*p.SessionSecs < 1 || *p.SessionSecs > int64(sessionLifetime/time.Second)):
		return nil, 0, errInvalid("session_max_duration_in_seconds", "session_max_duration_in_seconds must be between 1 and 604800.")
	}
	if u, err := url.Parse(p.RedirectURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, 0, errInvalid("redirect_url", "redirect_url must be an absolute http(s) URL.")
	}
	now := inst.now()
	a := &agentTask{ID: newID("agt"), AgentID: inst.agentID(p.AgentName), AgentName: p.AgentName, Description: p.TaskDescription,
		Ticket: randString(48), RedirectURL: p.RedirectURL, SessionSecs: agentTaskDefaultSession, Status: "pending",
		CreatedAt: ms(now), UpdatedAt: ms(now)}
	if p.SessionSecs != nil {
		a.SessionSecs = *p.SessionSecs
	}
	err := inst.store.update(r.Context(), func(t *txn) error {
		if id := p.OnBehalfOf.UserID; id != "" {
			if err := t.users().load(id, &user{}); err != nil {
				return notFoundAs(err, "user")
			}
			a.UserID = id
		} else {
			u, err := t.users().byEmail(p.OnBehalfOf.Identifier)
			if errors.Is(err, errNotFound) || (err == nil && !hasVerifiedEmail(u, p.OnBehalfOf.Identifier)) {
				return errNotFoundResource("user")
			}
			if err != nil {
				return err
			}
			a.UserID = u.ID
		}
		if err := t.agentTickets().claim(a.Ticket, a.ID); err != nil {
			return err
		}
		return t.agentTasks().put(a)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.agentTaskJSON(a, true), 0, nil
}

func (inst *Instance) bapiRevokeAgentTask(w http.ResponseWriter, r *http.Request) (any, int, error) {
	var a agentTask
	err := inst.store.update(r.Context(), func(t *txn) error {
		if err := t.agentTasks().load(r.PathValue("id"), &a); err != nil {
			return notFoundAs(err, "agent task")
		}
		if a.Status != "pending" {
			return newAPIError(http.StatusBadRequest, "agent_task_cannot_be_revoked", "cannot revoke", "Only pending agent tasks can be revoked.", nil)
		}
		a.Status, a.UpdatedAt = "revoked", ms(inst.now())
		return t.agentTasks().put(&a)
	})
	if err != nil {
		return nil, 0, err
	}
	return inst.agentTaskJSON(&a, false), 0, nil
}

var errAgentTicket = errParam(http.StatusNotFound, "resource_not_found", "ticket",
	"No pending agent task has this ticket (each works once; a revoked one not at all).")

// handleAgentTask redeems an agent task's ticket: the browser's client
// (a new one if it has none) gets a session for the task's user, and the
// browser goes to the task's redirect_url with a handshake carrying the
// session cookies, and the dev browser.
func (inst *Instance) handleAgentTask(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	if ticket == "" {
		inst.writeError(w, r, errMissing("ticket"))
		return
	}
	now := inst.now()
	var c *client
	var unsigned unsignedToken
	var redirect *url.URL
	err := inst.store.update(r.Context(), func(t *txn) error {
		id, err := t.agentTickets().owner(ticket)
		if errors.Is(err, errNotFound) {
			return errAgentTicket
		} else if err != nil {
			return err
		}
		var a agentTask
		if err := t.agentTasks().load(id, &a); err != nil {
			return err
		}
		if a.Status != "pending" {
			return errAgentTicket
		}
		u, aerr := checkRedirectURL(a.RedirectURL, inst.allowed, inst.FrontendAPIURL)
		if aerr != nil {
			return aerr
		}
		redirect = u
		if c, err = inst.findClient(t, r, devBrowserFromRequest(r)); err != nil {
			return err
		}
		if c == nil {
			if c, err = inst.newClient(t, now); err != nil {
				return err
			}
		}
		s, err := inst.startSession(t, c, a.UserID, "", now)
		if err != nil {
			return err
		}
		s.ExpireAt = ms(now.Add(time.Duration(a.SessionSecs) * time.Second))
		s.Azp = origin(u)
		if err := t.sessions().put(s); err != nil {
			return err
		}
		a.Status, a.UpdatedAt = "accepted", ms(now)
		if err := t.agentTasks().put(&a); err != nil {
			return err
		}
		unsigned, err = inst.sessionTokenClaims(t, s, now, inst.lifetime)
		return err
	})
	var token, hs string
	if err == nil {
		token, err = inst.signToken(unsigned)
	}
	if err == nil {
		dirs := inst.directives(token, c.UpdatedAt/1000, c.DevBrowserID, "", false)
		hs, err = inst.key().sign(map[string]any{"handshake": dirs}, catSessionToken)
	}
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	inst.setClientCookie(w, c)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, withQuery(redirect, "__clerk_handshake", hs, "__clerk_db_jwt", c.DevBrowserID), http.StatusTemporaryRedirect)
}

// hasVerifiedEmail reports whether addr is one of u's verified addresses.
func hasVerifiedEmail(u *user, addr string) bool {
	for _, e := range u.Emails {
		if e.Verified && normEmail(e.Address) == normEmail(addr) {
			return true
		}
	}
	return false
}

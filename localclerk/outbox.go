package localclerk

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The outbox holds every message localclerk would send — verification
// codes, invitations with their links, organization invitations — since it
// sends none. It is stored in the data file with the change that caused
// the message (one transaction), shown newest first on /outbox, and served
// as JSON on /outbox.json for tests. Messages older than outboxRetention
// are dropped when a new one is recorded.

const kindOutbox = "outbox"

// outboxRetention is how long a message stays in the outbox.
const outboxRetention = 7 * 24 * time.Hour

// Message kinds, as /outbox.json reports them.
const (
	msgVerificationCode       = "verification_code"
	msgInvitation             = "invitation"
	msgOrganizationInvitation = "organization_invitation"
	msgSMS                    = "sms" // a text message with a code, To an E.164 number
)

// outboxMessage is one message localclerk would have sent.
type outboxMessage struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	To        string `json:"to"`
	Subject   string `json:"subject"`
	Code      string `json:"code,omitempty"`
	Link      string `json:"link,omitempty"`
	CreatedAt int64  `json:"created_at"` // Unix milliseconds
}

// send records m in the outbox within t, so that the message exists
// exactly when the change that sent it commits.
func (inst *Instance) send(t *txn, now time.Time, m outboxMessage) error {
	m.ID, m.CreatedAt = newID("msg"), ms(now)
	if err := t.outboxMessages().purgeOlder(ms(now.Add(-outboxRetention))); err != nil {
		return err
	}
	t.afterCommit(func() {
		inst.log.Info("localclerk: message in the outbox (nothing is sent)", "to", m.To, "subject", m.Subject, "outbox", inst.FrontendAPIURL+"/outbox")
	})
	return t.outboxMessages().put(&m)
}

// newCode returns a verification code for addr and records it in the
// outbox with subject: 424242 for Clerk test addresses, as Clerk's, else a
// random six digits.
func (inst *Instance) newCode(t *txn, now time.Time, addr, subject string) (string, error) {
	code := testVerificationCode
	if !inst.isTestIdentity(addr) {
		n, err := rand.Int(rand.Reader, big.NewInt(1000000))
		if err != nil {
			return "", fmt.Errorf("verification code: %w", err)
		}
		code = fmt.Sprintf("%06d", n.Int64())
	}
	return code, inst.send(t, now, outboxMessage{Kind: msgVerificationCode, To: addr, Subject: subject, Code: code})
}

// outboxPage is the JSON answer of /outbox.json.
type outboxPage struct {
	Data       []*outboxMessage `json:"data"`
	TotalCount int              `json:"total_count"`
}

// outbox returns the messages newest first, those to addr only when addr
// is not empty (case-insensitively, as addresses compare).
func (inst *Instance) outbox(r *http.Request, addr string) ([]*outboxMessage, error) {
	var msgs []*outboxMessage
	err := inst.store.view(r.Context(), func(t *txn) error {
		var err error
		msgs, err = t.outboxMessages().list()
		return err
	})
	if addr != "" {
		msgs = slices.DeleteFunc(msgs, func(m *outboxMessage) bool { return !strings.EqualFold(m.To, addr) })
	}
	slices.Reverse(msgs)
	return msgs, err
}

func (inst *Instance) handleOutboxJSON(w http.ResponseWriter, r *http.Request) {
	msgs, err := inst.outbox(r, r.URL.Query().Get("to"))
	if err != nil {
		inst.writeError(w, r, err)
		return
	}
	if msgs == nil {
		msgs = []*outboxMessage{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, outboxPage{Data: msgs, TotalCount: len(msgs)})
}

func (inst *Instance) pageOutbox(w http.ResponseWriter, r *http.Request) {
	msgs, err := inst.outbox(r, r.URL.Query().Get("to"))
	if err != nil {
		inst.render(w, http.StatusInternalServerError, "error", &pageData{Title: "Outbox", Error: err.Error()})
		return
	}
	rows := make([]outboxRow, len(msgs))
	for i, m := range msgs {
		rows[i] = outboxRow{outboxMessage: *m, When: time.UnixMilli(m.CreatedAt).UTC().Format("2006-01-02 15:04:05 UTC")}
	}
	inst.render(w, http.StatusOK, "outbox", &pageData{Title: "Outbox", Messages: rows})
}

// outboxRow is a message as the outbox page shows it.
type outboxRow struct {
	outboxMessage
	When string
}

// outboxTmpl is the outbox page's body, added to the hosted pages'
// templates.
const outboxTmpl = `
{{define "outbox"}}{{template "head" .}}
<p class="hint">Every e-mail and text message localclerk would have sent, newest first. Nothing leaves this machine. As JSON: <a href="/outbox.json">/outbox.json</a> (<code>?to=</code> filters by address).</p>
{{if not .Messages}}<p>No messages yet.</p>{{end}}
<ol class="outbox">{{range .Messages}}<li>
<p class="subject">{{.Subject}}</p>
<p class="hint">to {{.To}} · {{.When}}</p>
{{if .Code}}<p class="code" aria-label="code">{{.Code}}</p>{{end}}
{{if .Link}}<p><a href="{{.Link}}">{{.Link}}</a></p>{{end}}
</li>{{end}}</ol>
{{template "foot"}}{{end}}
`

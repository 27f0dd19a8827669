package localclerk

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// webhookEvent is one Clerk event, queued inside a transaction and sent
// only after it commits.
type webhookEvent struct {
	Type string
	Data any
}

// emit queues an event for delivery after this transaction commits.
func (t *txn) emit(typ string, data any) {
	t.events = append(t.events, webhookEvent{Type: typ, Data: data})
}

// webhookSender delivers events to one endpoint, Svix-signed as Clerk's
// deliveries are, in order, with retries; it never blocks a request.
type webhookSender struct {
	url    string
	key    []byte
	client *http.Client
	log    *slog.Logger
	now    func() time.Time
	queue  chan []byte
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// retryDelay is the first retry delay, doubled per attempt.
	retryDelay time.Duration
}

const webhookAttempts = 4

func newWebhookSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

func decodeWebhookSecret(s string) ([]byte, error) {
	raw, ok := strings.CutPrefix(s, "whsec_")
	if !ok {
		return nil, fmt.Errorf("webhook secret must start with whsec_")
	}
	k, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		k, err = base64.RawStdEncoding.DecodeString(raw)
	}
	if err != nil || len(k) == 0 {
		return nil, fmt.Errorf("webhook secret is not base64 after whsec_")
	}
	return k, nil
}

func newWebhookSender(url, secret string, log *slog.Logger, now func() time.Time) (*webhookSender, error) {
	key, err := decodeWebhookSecret(secret)
	if err != nil {
		return nil, fmt.Errorf("localclerk: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &webhookSender{url: url, key: key, client: &http.Client{Timeout: 10 * time.Second}, log: log, now: now,
		queue: make(chan []byte, 1024), ctx: ctx, cancel: cancel, retryDelay: time.Second}
	s.wg.Add(1)
	go s.run()
	return s, nil
}

// enqueue renders the events; a full queue drops them (logged) rather
// than stalling the API.
func (s *webhookSender) enqueue(instanceID string, evts []webhookEvent) {
	for _, e := range evts {
		body, err := json.Marshal(map[string]any{"data": e.Data, "object": "event", "type": e.Type,
			"timestamp": s.now().UnixMilli(), "instance_id": instanceID})
		if err != nil {
			s.log.Error("localclerk: encode webhook", "type", e.Type, "err", err)
			continue
		}
		select {
		case s.queue <- body:
		default:
			s.log.Warn("localclerk: webhook queue full; event dropped", "type", e.Type)
		}
	}
}

func (s *webhookSender) run() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case body := <-s.queue:
			s.deliver(body)
		}
	}
}

// sign returns the svix-signature value for a message.
func (s *webhookSender) sign(id string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, s.key)
	fmt.Fprintf(mac, "%s.%d.", id, ts)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (s *webhookSender) deliver(body []byte) {
	id := "msg_" + randString(27)
	delay := s.retryDelay
	for attempt := 1; ; attempt++ {
		ts := s.now().Unix()
		req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, s.url, bytes.NewReader(body))
		if err != nil {
			s.log.Error("localclerk: webhook request", "err", err)
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("svix-id", id)
		req.Header.Set("svix-timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("svix-signature", s.sign(id, ts, body))
		resp, err := s.client.Do(req)
		if err == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if resp.StatusCode < 300 {
				return
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if attempt >= webhookAttempts || s.ctx.Err() != nil {
			s.log.Warn("localclerk: webhook delivery failed", "id", id, "attempts", attempt, "err", err)
			return
		}
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(delay):
		}
		delay *= 2
	}
}

func (s *webhookSender) close() {
	s.cancel()
	s.wg.Wait()
}

package clerkotel

import (
	"context"
	"errors"
	"strconv"
	"sync"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the meter and the tracer.
const ScopeName = "github.com/goclerk/clerk/otel"

// Options configures NewObserver.
type Options struct {
	// MeterProvider creates the meter of the metrics. Nil uses the global
	// otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// TracerProvider creates the tracer of the spans. Nil uses the global
	// otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
}

// Attribute keys of the metrics and spans.
const (
	AttrAuthStatus       = attribute.Key("clerk.auth.status")
	AttrAuthReason       = attribute.Key("clerk.auth.reason")
	AttrAuthError        = attribute.Key("clerk.auth.error")
	AttrTokenType        = attribute.Key("clerk.token.type")
	AttrCacheHit         = attribute.Key("clerk.cache.hit")
	AttrJWKSOutcome      = attribute.Key("clerk.jwks.outcome")
	AttrJWKSBackground   = attribute.Key("clerk.jwks.background")
	AttrJWKSKeys         = attribute.Key("clerk.jwks.keys")
	AttrBackendOperation = attribute.Key("clerk.backend.operation")
	AttrBackendAttempts  = attribute.Key("clerk.backend.attempts")
	// The OpenTelemetry semantic conventions' HTTP client attributes.
	AttrHTTPMethod  = attribute.Key("http.request.method")
	AttrURLTemplate = attribute.Key("url.template")
	AttrHTTPStatus  = attribute.Key("http.response.status_code")
	AttrErrorType   = attribute.Key("error.type")
)

// durationBuckets are the semantic conventions' boundaries for HTTP
// client durations, in seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// NewObserver builds an Observer reporting to opts' providers; set it in
// clerk.Options.Observer, and its Backend field in the backend.Config of
// any Backend API client you build yourself. It fails only when the meter
// refuses an instrument.
func NewObserver(opts Options) (*clerk.Observer, error) {
	mp, tp := opts.MeterProvider, opts.TracerProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	meter := mp.Meter(ScopeName, metric.WithInstrumentationVersion(backend.Version))
	o := &observer{tracer: tp.Tracer(ScopeName, trace.WithInstrumentationVersion(backend.Version))}
	var err error
	if o.decisions, err = meter.Int64Counter("clerk.auth.decisions", metric.WithUnit("{decision}"),
		metric.WithDescription("Authentication decisions of the middleware and the Authenticator.")); err != nil {
		return nil, err
	}
	if o.fetches, err = meter.Int64Counter("clerk.jwks.fetches", metric.WithUnit("{fetch}"),
		metric.WithDescription("Fetches of the instance's JWKS.")); err != nil {
		return nil, err
	}
	if o.lookups, err = meter.Int64Counter("clerk.token_cache.lookups", metric.WithUnit("{lookup}"),
		metric.WithDescription("Lookups in the verified-token caches.")); err != nil {
		return nil, err
	}
	if o.calls, err = meter.Float64Histogram("clerk.backend.request.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of Backend API calls, retries included."),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		return nil, err
	}
	return &clerk.Observer{
		Decision:   o.decision,
		JWKSFetch:  o.jwksFetch,
		TokenCache: o.tokenCache,
		Backend:    &backend.Observer{Call: o.call},
	}, nil
}

// observer holds the instruments, and the attribute options of the
// decisions and cache lookups, built once per combination so that a
// request's measurement allocates nothing.
type observer struct {
	tracer    trace.Tracer
	decisions metric.Int64Counter
	fetches   metric.Int64Counter
	lookups   metric.Int64Counter
	calls     metric.Float64Histogram

	mu           sync.RWMutex
	decisionOpts map[decisionKey][]metric.AddOption
	lookupOpts   map[clerk.TokenCacheLookup][]metric.AddOption
}

type decisionKey struct {
	status    clerk.AuthStatus
	reason    clerk.AuthReason
	tokenType clerk.TokenType
	err       bool
}

// addOptions returns the options of key, building them on first use.
func addOptions[K comparable](o *observer, m *map[K][]metric.AddOption, key K, attrs func() []attribute.KeyValue) []metric.AddOption {
	o.mu.RLock()
	opts, ok := (*m)[key]
	o.mu.RUnlock()
	if ok {
		return opts
	}
	opts = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attrs()...))}
	o.mu.Lock()
	if *m == nil {
		*m = map[K][]metric.AddOption{}
	}
	(*m)[key] = opts
	o.mu.Unlock()
	return opts
}

func (o *observer) decision(ctx context.Context, d clerk.Decision) {
	k := decisionKey{status: d.Status, reason: d.Reason.Base(), tokenType: d.TokenType, err: d.Err != nil}
	o.decisions.Add(ctx, 1, addOptions(o, &o.decisionOpts, k, func() []attribute.KeyValue {
		return []attribute.KeyValue{AttrAuthStatus.String(string(k.status)), AttrAuthReason.String(string(k.reason)),
			AttrTokenType.String(string(k.tokenType)), AttrAuthError.Bool(k.err)}
	})...)
}

func (o *observer) tokenCache(ctx context.Context, l clerk.TokenCacheLookup) {
	o.lookups.Add(ctx, 1, addOptions(o, &o.lookupOpts, l, func() []attribute.KeyValue {
		return []attribute.KeyValue{AttrTokenType.String(string(l.TokenType)), AttrCacheHit.Bool(l.Hit)}
	})...)
}

func (o *observer) jwksFetch(ctx context.Context) (context.Context, func(clerk.JWKSFetchResult)) {
	ctx, span := o.tracer.Start(ctx, "clerk.jwks.fetch", trace.WithSpanKind(trace.SpanKindInternal))
	return ctx, func(r clerk.JWKSFetchResult) {
		outcome, bg := AttrJWKSOutcome.String(r.Outcome), AttrJWKSBackground.Bool(r.Background)
		o.fetches.Add(ctx, 1, metric.WithAttributes(outcome, bg))
		span.SetAttributes(outcome, bg, AttrJWKSKeys.Int(r.Keys))
		if r.StatusCode != 0 {
			span.SetAttributes(AttrHTTPStatus.Int(r.StatusCode))
		}
		if r.Err != nil {
			span.RecordError(r.Err)
			span.SetStatus(codes.Error, r.Outcome)
		}
		span.End()
	}
}

func (o *observer) call(ctx context.Context, c backend.CallInfo) (context.Context, func(backend.CallResult)) {
	name := c.Method
	attrs := []attribute.KeyValue{AttrHTTPMethod.String(c.Method)}
	if c.Route != "" {
		name += " " + c.Route
		attrs = append(attrs, AttrURLTemplate.String(c.Route), AttrBackendOperation.String(c.Operation))
	}
	ctx, span := o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	started := len(attrs)
	return ctx, func(r backend.CallResult) {
		if r.StatusCode != 0 {
			attrs = append(attrs, AttrHTTPStatus.Int(r.StatusCode))
		}
		if r.Err != nil {
			// The conventions' error.type: the status code for an error
			// answer, else the kind of failure.
			et := "_OTHER"
			if r.StatusCode >= 400 {
				et = strconv.Itoa(r.StatusCode)
			} else if isTimeout(r.Err) {
				et = "timeout"
			}
			attrs = append(attrs, AttrErrorType.String(et))
			span.RecordError(r.Err)
			span.SetStatus(codes.Error, et)
		}
		o.calls.Record(ctx, r.Duration.Seconds(), metric.WithAttributes(attrs...))
		span.SetAttributes(append(attrs[started:], AttrBackendAttempts.Int(r.Attempts))...)
		span.End()
	}
}

// isTimeout reports a deadline that ended a call: the caller's, or an
// attempt's (net/http reports those as errors whose Timeout() is true).
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

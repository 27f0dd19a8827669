package clerkotel_test

import (
	"log"
	"net/http"

	clerk "github.com/goclerk/clerk"
	"github.com/goclerk/clerk/backend"
	clerkotel "github.com/goclerk/clerk/otel"
)

// Wire the observer into the middleware and into the application's own
// Backend API client. With no providers in Options, the global ones
// (otel.SetMeterProvider, otel.SetTracerProvider) are used.
func ExampleNewObserver() {
	obs, err := clerkotel.NewObserver(clerkotel.Options{})
	if err != nil {
		log.Fatal(err)
	}
	mw, err := clerk.Middleware(clerk.Options{Observer: obs})
	if err != nil {
		log.Fatal(err)
	}
	client, err := backend.NewClient(backend.Config{Observer: obs.Backend})
	if err != nil {
		log.Fatal(err)
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth := clerk.GetAuth(r); auth.IsAuthenticated {
			user, err := client.Users.Get(r.Context(), auth.UserID) // a "GET /users/{user_id}" span
			if err == nil {
				w.Write([]byte(user.ID))
			}
		}
	})
	// Put otelhttp.NewHandler around it so that the spans have the
	// request's server span as their parent.
	log.Fatal(http.ListenAndServe(":8080", mw(app)))
}

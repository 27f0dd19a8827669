package localclerk_test

import (
	"context"
	"fmt"
	"log"

	"github.com/goclerk/clerk/localclerk"
)

// A test or development server starts an instance, points its Clerk SDK at
// it with the printed environment, and signs a user in without a browser.
func ExampleStart() {
	ctx := context.Background()
	inst, err := localclerk.Start(ctx, localclerk.Options{Seed: true})
	if err != nil {
		log.Fatal(err)
	}
	defer inst.Close()

	for _, line := range inst.EnvLines() {
		fmt.Println(line)
	}

	// A session for a seeded user, and a token an app would receive.
	sid, _, err := inst.CreateSession(ctx, "user_demo_alice", "acme")
	if err != nil {
		log.Fatal(err)
	}
	token, err := inst.SessionToken(ctx, sid, "http://localhost:3000")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Authorization: Bearer", token[:10]+"…")
}

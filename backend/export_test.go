package backend

import (
	"context"
	"time"
)

// SetSleep replaces the wait between c's retries, so that the package's
// external tests run retries instantly and see each wait. It is not part
// of the API: Config has no such hook.
func SetSleep(c *Client, sleep func(ctx context.Context, d time.Duration) error) { c.sleep = sleep }

package clerkgrpc

import (
	"net/http"
	"strings"

	clerk "github.com/goclerk/clerk"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Error is the status error a refused call ends with by default:
//
//   - codes.Unauthenticated for a 401 rejection (no token, one that fails
//     verification, a type not accepted, a pending session);
//   - codes.PermissionDenied for a 403 (a Check does not hold);
//   - codes.Unavailable for a 503 (the token could not be checked now:
//     worth retrying);
//
// with the message "clerk: <description> (reason <reason>)", built from
// the rejection and never from the token, and an errdetails.ErrorInfo
// (ErrorDomain) naming Clerk's error code and the reason. OnReject may
// call it and add to the status.
func (g *Guard) Error(rej clerk.Rejection) error {
	return g.status(rej).Err()
}

func (g *Guard) status(rej clerk.Rejection) *status.Status {
	code := codes.Internal
	switch rej.Status {
	case http.StatusUnauthorized:
		code = codes.Unauthenticated
	case http.StatusForbidden:
		code = codes.PermissionDenied
	case http.StatusServiceUnavailable:
		code = codes.Unavailable
	}
	desc := rej.Description
	if rej.Status == http.StatusUnauthorized && rej.Error == "" {
		// No credentials: say where a gRPC call puts them, not an HTTP header.
		desc = "the call carries no token: send it as " + g.key + " metadata, \"Bearer <token>\""
	}
	msg := "clerk: " + desc
	info := &errdetails.ErrorInfo{Reason: strings.ToUpper(rej.Code), Domain: ErrorDomain}
	if rej.Reason != "" {
		msg += " (reason " + string(rej.Reason) + ")"
		info.Metadata = map[string]string{"clerk_reason": string(rej.Reason)}
	}
	st := status.New(code, msg)
	if withInfo, err := st.WithDetails(info); err == nil {
		st = withInfo
	}
	return st
}

package clerkconnect

import (
	"errors"
	"net/http"
	"strings"

	"connectrpc.com/connect"
	clerk "github.com/goclerk/clerk"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
)

// ErrorDomain is the Domain of the errdetails.ErrorInfo every rejection
// carries: its Reason is Clerk's error code in upper case
// (AUTHENTICATION_INVALID, AUTHORIZATION_INVALID,
// AUTHENTICATION_UNAVAILABLE), and its metadata "clerk_reason" the Auth's
// reason when there is one.
const ErrorDomain = "clerk.com"

// Error is the error a refused call ends with by default, a
// *connect.Error with:
//
//   - connect.CodeUnauthenticated for a 401 rejection (no token, one that
//     fails verification, a type not accepted, a pending session);
//   - connect.CodePermissionDenied for a 403 (a Check does not hold);
//   - connect.CodeUnavailable for a 503 (the token could not be checked
//     now: worth retrying);
//
// the message "clerk: <description> (reason <reason>)", built from the
// rejection and never from the token, and an errdetails.ErrorInfo detail
// (ErrorDomain) naming Clerk's error code and the reason. OnReject may
// call it and add to the error.
func (i *Interceptor) Error(rej clerk.Rejection) *connect.Error {
	code := connect.CodeInternal
	switch rej.Status {
	case http.StatusUnauthorized:
		code = connect.CodeUnauthenticated
	case http.StatusForbidden:
		code = connect.CodePermissionDenied
	case http.StatusServiceUnavailable:
		code = connect.CodeUnavailable
	}
	desc := rej.Description
	if rej.Status == http.StatusUnauthorized && rej.Error == "" {
		// No credentials: name the header this interceptor reads.
		desc = "the call carries no token: send it in the " + i.header + " header, \"Bearer <token>\""
	}
	msg := "clerk: " + desc
	info := &errdetails.ErrorInfo{Reason: strings.ToUpper(rej.Code), Domain: ErrorDomain}
	if rej.Reason != "" {
		msg += " (reason " + string(rej.Reason) + ")"
		info.Metadata = map[string]string{"clerk_reason": string(rej.Reason)}
	}
	err := connect.NewError(code, errors.New(msg))
	if d, derr := connect.NewErrorDetail(info); derr == nil {
		err.AddDetail(d)
	}
	return err
}

package jwt

import "fmt"

// Error is a token verification failure with its Clerk reason code.
type Error struct {
	Reason  string
	Message string
}

func (e *Error) Error() string { return e.Message + " (reason=" + e.Reason + ")" }

func errorf(reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Errorf builds an *Error; other packages use it for key-resolution failures.
func Errorf(reason, format string, args ...any) *Error { return errorf(reason, format, args...) }

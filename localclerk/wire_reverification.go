package localclerk

// sessionReverificationWire is the Frontend API SessionReverification: a
// session's verification in progress (fapi_session_reverification.go).
type sessionReverificationWire struct {
	Object                   string                   `json:"object"` // "session_reverification"
	ID                       string                   `json:"id"`
	Level                    string                   `json:"level"`
	Status                   string                   `json:"status"`
	SupportedFirstFactors    []signInFactorWire       `json:"supported_first_factors"`
	SupportedSecondFactors   []signInFactorWire       `json:"supported_second_factors"`
	FirstFactorVerification  *attemptVerificationWire `json:"first_factor_verification"`
	SecondFactorVerification *attemptVerificationWire `json:"second_factor_verification"`
	Session                  *fapiSession             `json:"session"`
}

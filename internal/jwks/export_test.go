package jwks

// waitIdle waits for the running fetch, if any, so that tests observe a
// background refresh's outcome without sleeping.
func (s *RemoteSource) waitIdle() {
	s.mu.Lock()
	done := s.flight
	s.mu.Unlock()
	if done != nil {
		<-done
	}
}

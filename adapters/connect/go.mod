module github.com/goclerk/clerk/adapters/connect

go 1.26.0

replace github.com/goclerk/clerk => ../..

require (
	connectrpc.com/connect v1.21.1
	github.com/goclerk/clerk v0.0.0-00010101000000-000000000000
	google.golang.org/genproto/googleapis/rpc v0.0.0-20261123191846-1e707ab9fbc2
	google.golang.org/protobuf v1.36.12
)

require golang.org/x/sync v0.25.0 // indirect

module github.com/goclerk/clerk/adapters/echov5

go 1.26.0

replace github.com/goclerk/clerk => ../..

require github.com/goclerk/clerk v0.0.0-00010101000000-000000000000

require (
	github.com/labstack/echo/v5 v5.4.4
	golang.org/x/sync v0.25.0 // indirect
)

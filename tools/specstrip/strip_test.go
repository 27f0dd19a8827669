package main

import (
	"bytes"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestStripKeepsStructureDropsProse(t *testing.T) {
	const in = `openapi: 3.0.3
info: {title: T, description: about}
tags: [{name: Users, description: people}]
paths:
  /users:
    get:
      operationId: GetUserList
      summary: list them
      description: long text
      x-speakeasy-group: users
      x-code-samples: [{lang: go}]
      parameters:
        - name: limit
          in: query
          description: how many
          schema: {type: integer, example: 10}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
components:
  schemas:
    User:
      type: object
      description: a user
      properties:
        description: {type: string, description: the user's own text}
        kind: {type: string, enum: [a, b]}
      required: [description]
`
	out, err := strip([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	again, err := strip([]byte(in))
	if err != nil || !bytes.Equal(out, again) {
		t.Fatal("strip is not deterministic")
	}
	s := string(out)
	for _, gone := range []string{"about", "people", "list them", "long text", "how many", "a user", "user's own text", "x-code-samples", "example", "info:"} {
		if strings.Contains(s, gone) {
			t.Errorf("stripped output still contains %q:\n%s", gone, s)
		}
	}
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `yaml:"operationId"`
			Group       string `yaml:"x-speakeasy-group"`
			Parameters  []struct {
				Name, In string
				Schema   struct{ Type string }
			}
			Responses map[string]struct {
				Content map[string]struct {
					Schema struct {
						Ref string `yaml:"$ref"`
					}
				}
			}
		}
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Type string
					Enum []string
				}
				Required []string
			}
		}
	}
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	op := doc.Paths["/users"]["get"]
	if op.OperationID != "GetUserList" || op.Group != "users" || len(op.Parameters) != 1 || op.Parameters[0].Schema.Type != "integer" {
		t.Errorf("operation structure lost: %+v", op)
	}
	if op.Responses["200"].Content["application/json"].Schema.Ref != "#/components/schemas/User" {
		t.Errorf("response lost: %+v", op.Responses)
	}
	u := doc.Components.Schemas["User"]
	if u.Properties["description"].Type != "string" || len(u.Properties["kind"].Enum) != 2 || u.Required[0] != "description" {
		t.Errorf("a property named description must survive: %+v", u)
	}
}

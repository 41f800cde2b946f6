package policydoc

import (
	"encoding/json"
	"fmt"
)

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement. Principal, Action and Resource take a
// string, a []string or (Principal) a map, as AWS does.
type Statement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal map[string]interface{}       `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// New returns a document with the current policy language version.
func New(statements ...Statement) Document {
	return Document{Version: "2012-10-17", Statement: statements}
}

// JSON renders the document. It cannot fail for documents built from these
// types; a failure is a programming error and panics with the cause.
func (d Document) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("rendering policy document: %v", err))
	}
	return string(b)
}

// Parse decodes a rendered document (for tests and policies).
func Parse(s string) (Document, error) {
	var d Document
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return Document{}, fmt.Errorf("parsing policy document: %w", err)
	}
	return d, nil
}

// Allow and Deny are the two effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// ServiceTrust lets one AWS service principal (e.g. "eks.amazonaws.com")
// assume a role.
func ServiceTrust(service string) Document {
	return New(Statement{
		Effect:    Allow,
		Principal: map[string]interface{}{"Service": service},
		Action:    []string{"sts:AssumeRole"},
	})
}

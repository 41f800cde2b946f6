package policydoc

import (
	"reflect"
	"testing"
)

func TestRoundTripAndServiceTrust(t *testing.T) {
	d := ServiceTrust("eks.amazonaws.com")
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`
	if got := d.JSON(); got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	back, err := Parse(d.JSON())
	if err != nil || !reflect.DeepEqual(back.Statement[0].Action, []string{"sts:AssumeRole"}) || back.Statement[0].Principal["Service"] != "eks.amazonaws.com" {
		t.Errorf("Parse = %+v, %v", back, err)
	}
	if _, err := Parse("{"); err == nil || err.Error() != "parsing policy document: unexpected end of JSON input" {
		t.Errorf("Parse error = %v", err)
	}
}

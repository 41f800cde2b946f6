package plan

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/pangea-ai/mlplatform/components/names"
	"github.com/pangea-ai/mlplatform/components/tokens"
)

// outputs makes up a custom resource's id and state: its inputs plus the
// computed properties the toolkit reads, derived from the URN so that every
// run of the same program yields the same values. In preview mode only the
// inputs come back, as the engine does before a resource exists.
func outputs(w World, res *Resource, inputs resource.PropertyMap, preview bool) (string, resource.PropertyMap) {
	state := knownOnly(inputs)
	if res.IsProvider() {
		return "provider-" + hexOf(res.URN, 8), state
	}
	h := hexOf(res.URN, 17)
	if preview {
		return "", state
	}
	set := func(k string, v interface{}) { state[resource.PropertyKey(k)] = resource.NewPropertyValue(v) }
	str := func(k string) string {
		if v, ok := inputs[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	// named reads a name from the state: the input, or the autoname below.
	named := func(k string) string {
		if v, ok := state[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	// Every input the provider names itself when the program does not
	// gets the name the cloud would hold: the logical name and a suffix, as
	// Pulumi makes it.
	for _, f := range names.ByType[res.Type] {
		if f.Autoname > 0 && str(f.Key) == "" {
			logical := res.Name
			if f.LowerAutoname {
				logical = strings.ToLower(logical)
			}
			set(f.Key, logical+"-"+hexOf(res.URN, 7))
		}
	}
	arn := func(service, rest string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, w.Region, w.AccountID, rest)
	}
	id := h
	if strings.HasPrefix(res.Type, "azure-native:") {
		id = azureOutputs(w, res, state, set, str)
		set("id", id)
		return id, state
	}
	switch res.Type {
	case tokens.AWSEC2Vpc:
		id = "vpc-" + h
		set("arn", arn("ec2", "vpc/"+id))
		set("defaultSecurityGroupId", "sg-"+hexOf(res.URN+"sg", 17))
		set("mainRouteTableId", "rtb-"+hexOf(res.URN+"rtb", 17))
	case tokens.AWSEC2Subnet:
		id = "subnet-" + h
		set("arn", arn("ec2", "subnet/"+id))
	case tokens.AWSEC2InternetGateway:
		id = "igw-" + h
	case tokens.AWSEC2Eip:
		id = "eipalloc-" + h
		set("allocationId", id)
		// TEST-NET-1 (RFC 5737): a documentation address nothing answers on.
		set("publicIp", fmt.Sprintf("192.0.2.%d", 1+int(hexByte(res.URN)%250)))
	case tokens.AWSEC2NatGateway:
		id = "nat-" + h
	case tokens.AWSEC2RouteTable:
		id = "rtb-" + h
	case tokens.AWSEC2RouteTableAssociation:
		id = "rtbassoc-" + h
	case tokens.AWSEC2Route:
		id = "r-" + h
	case tokens.AWSEC2VpcEndpoint:
		id = "vpce-" + h
		set("arn", arn("ec2", "vpc-endpoint/"+id))
	case tokens.AWSEC2SecurityGroup:
		id = "sg-" + h
		set("arn", arn("ec2", "security-group/"+id))
	case tokens.AWSEC2FlowLog:
		id = "fl-" + h
	case tokens.AWSEC2LaunchTemplate:
		id = "lt-" + h
		set("latestVersion", 1.0)
		set("defaultVersion", 1.0)
		set("arn", arn("ec2", "launch-template/"+id))
	case tokens.AWSCloudWatchLogGroup:
		name := named("name")
		id = name
		set("arn", arn("logs", "log-group:"+name))
	case tokens.AWSKMSKey:
		id = uuidOf(res.URN)
		set("keyId", id)
		set("arn", arn("kms", "key/"+id))
	case tokens.AWSKMSAlias:
		id = str("name")
		set("arn", arn("kms", id))
	case tokens.AWSIAMRole:
		name := named("name")
		id = name
		set("arn", fmt.Sprintf("arn:aws:iam::%s:role/%s", w.AccountID, name))
		set("uniqueId", "AROA"+strings.ToUpper(h))
	case tokens.AWSIAMPolicy:
		name := named("name")
		set("arn", fmt.Sprintf("arn:aws:iam::%s:policy/%s", w.AccountID, name))
		id = state["arn"].StringValue()
	case tokens.AWSIAMOpenIdConnectProvider:
		id = fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", w.AccountID, strings.TrimPrefix(str("url"), "https://"))
		set("arn", id)
	case tokens.AWSEKSCluster:
		name := named("name")
		id = name
		oidcID := strings.ToUpper(hexOf(res.URN+"oidc", 32))
		set("arn", arn("eks", "cluster/"+name))
		set("endpoint", fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", strings.ToUpper(hexOf(res.URN+"ep", 32)), w.Region))
		set("certificateAuthority", map[string]interface{}{"data": base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nMOCK " + h + "\n-----END CERTIFICATE-----\n"))})
		set("identities", []interface{}{map[string]interface{}{"oidcs": []interface{}{map[string]interface{}{
			"issuer": fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s", w.Region, oidcID),
		}}}})
		set("vpcConfig", mergeObject(state, "vpcConfig", map[string]interface{}{"clusterSecurityGroupId": "sg-" + hexOf(res.URN+"clustersg", 17)}))
		set("status", "ACTIVE")
		set("platformVersion", "eks.1")
		set("clusterId", uuidOf(res.URN+"cluster"))
	case tokens.AWSEKSNodeGroup:
		name := named("nodeGroupName")
		id = str("clusterName") + ":" + name
		set("arn", arn("eks", fmt.Sprintf("nodegroup/%s/%s/%s", str("clusterName"), name, uuidOf(res.URN))))
		set("resources", []interface{}{map[string]interface{}{
			"autoscalingGroups": []interface{}{map[string]interface{}{"name": "eks-" + name + "-" + uuidOf(res.URN)}},
		}})
		set("status", "ACTIVE")
	case tokens.AWSEKSAddon:
		id = str("clusterName") + ":" + str("addonName")
		set("arn", arn("eks", fmt.Sprintf("addon/%s/%s/%s", str("clusterName"), str("addonName"), uuidOf(res.URN))))
	case tokens.AWSS3BucketV2:
		name := named("bucket")
		id = name
		set("arn", "arn:aws:s3:::"+name)
		set("bucketDomainName", name+".s3.amazonaws.com")
		set("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", name, w.Region))
	case tokens.AWSAMPWorkspace:
		id = "ws-" + hexOf(res.URN, 8) + "-" + hexOf(res.URN+"ws", 4) + "-" + hexOf(res.URN+"ws2", 4)
		set("arn", arn("aps", "workspace/"+id))
		set("prometheusEndpoint", fmt.Sprintf("https://aps-workspaces.%s.amazonaws.com/workspaces/%s/", w.Region, id))
	case tokens.AWSRDSInstance:
		name := named("identifier")
		id = "db-" + strings.ToUpper(hexOf(res.URN, 26))
		set("arn", arn("rds", "db:"+name))
		set("resourceId", id)
		set("address", fmt.Sprintf("%s.c%s.%s.rds.amazonaws.com", name, hexOf(res.URN+"rds", 12), w.Region))
		port := 5432.0
		if v, ok := inputs["port"]; ok && v.IsNumber() {
			port = v.NumberValue()
		}
		set("port", port)
		set("endpoint", fmt.Sprintf("%s:%d", state["address"].StringValue(), int(port)))
		// RDS names the secret it manages rds!db-<uuid> and Secrets Manager
		// appends six random characters to its ARN.
		set("masterUserSecrets", []interface{}{map[string]interface{}{
			"secretArn":    arn("secretsmanager", "secret:rds!db-"+uuidOf(res.URN+"secret")+"-"+hexOf(res.URN+"suffix", 6)),
			"kmsKeyId":     str("masterUserSecretKmsKeyId"),
			"secretStatus": "active",
		}})
	case tokens.AWSRDSSubnetGroup, tokens.AWSRDSParameterGroup:
		id = named("name")
		set("arn", arn("rds", "subgrp:"+id))
	case tokens.AWSECRRepository:
		name := named("name")
		id = name
		set("arn", arn("ecr", "repository/"+name))
		set("registryId", w.AccountID)
		set("repositoryUrl", fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", w.AccountID, w.Region, name))
	}
	set("id", id)
	return id, state
}

// knownOnly copies inputs without the values still unknown: the engine
// reports those as unknown outputs, and echoing an unknown secret back is a
// malformed RPC.
func knownOnly(in resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range in {
		if v.ContainsUnknowns() {
			continue
		}
		out[k] = v
	}
	return out
}

func hexOf(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

func hexByte(s string) byte {
	sum := sha256.Sum256([]byte(s))
	return sum[0]
}

func uuidOf(s string) string {
	h := hexOf(s, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

package catalog

import "sort"

// Rate keys: the service prices the cost model reads, per cloud. The unit is
// part of the key: Hour is USD per hour, GBMonth USD per GiB-month, Month USD
// per month.
const (
	// AWS.
	RateEKSStandardHour       = "eksControlPlaneStandardHour"
	RateEKSExtendedHour       = "eksControlPlaneExtendedHour"
	RateNATGatewayHour        = "natGatewayHour"
	RateNATGatewayDataGB      = "natGatewayDataGB"
	RatePublicIPv4Hour        = "publicIPv4Hour"
	RateLoadBalancerHour      = "loadBalancerHour"
	RateInterfaceEndpointHour = "interfaceEndpointHour"
	RateBlockStorageGBMonth   = "blockStorageGBMonth"
	RateKMSKeyMonth           = "kmsKeyMonth"
	RateObjectStorageGBMonth  = "objectStorageGBMonth"
	// RateDatabaseStorageGBMonth is managed PostgreSQL storage (RDS gp3,
	// flexible server Premium SSD) per GiB-month of one instance.
	RateDatabaseStorageGBMonth = "databaseStorageGBMonth"

	// Azure (NAT, public IP, load balancer, block and object storage share
	// the keys above).
	RateAKSFreeHour         = "aksFreeHour"
	RateAKSStandardHour     = "aksStandardHour"
	RateAKSPremiumHour      = "aksPremiumHour"
	RatePrivateEndpointHour = "privateEndpointHour"
	RateACRBasicMonth       = "acrBasicMonth"
	RateACRStandardMonth    = "acrStandardMonth"
	RateACRPremiumMonth     = "acrPremiumMonth"
)

var rateKeys = map[Cloud][]string{
	AWS: {RateEKSStandardHour, RateEKSExtendedHour, RateNATGatewayHour, RateNATGatewayDataGB, RatePublicIPv4Hour,
		RateLoadBalancerHour, RateInterfaceEndpointHour, RateBlockStorageGBMonth, RateKMSKeyMonth, RateObjectStorageGBMonth, RateDatabaseStorageGBMonth},
	Azure: {RateAKSFreeHour, RateAKSStandardHour, RateAKSPremiumHour, RateNATGatewayHour, RateNATGatewayDataGB,
		RatePublicIPv4Hour, RateLoadBalancerHour, RatePrivateEndpointHour, RateBlockStorageGBMonth,
		RateObjectStorageGBMonth, RateACRBasicMonth, RateACRStandardMonth, RateACRPremiumMonth, RateDatabaseStorageGBMonth},
}

func knownRate(cloud Cloud, key string) bool {
	for _, k := range rateKeys[cloud] {
		if k == key {
			return true
		}
	}
	return false
}

func rateNames(cloud Cloud) []string {
	out := append([]string(nil), rateKeys[cloud]...)
	sort.Strings(out)
	return out
}

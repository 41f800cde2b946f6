// Package network provides Network: the virtual network an AKS cluster lives
// in, with subnets for the system pool, the user pools, private endpoints and
// the API server (delegated to AKS for API server VNet integration), a
// network security group on each, and the private DNS zones private endpoints
// resolve through, linked to the network. With Existing it creates only the
// DNS zones and links, and passes the brought subnets through.
package network

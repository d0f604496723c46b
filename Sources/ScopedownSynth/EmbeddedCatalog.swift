// Generated from the public provider operations catalog (az provider operation show, see
// ../shared/azure/SOURCES.md §2): the operations of the resource types `scopedown synth` generates
// and every literal action of the embedded built-in roles (EmbeddedRoles.swift).

enum EmbeddedCatalog {
    struct Operation: Sendable { let name: String; let displayName: String; let description: String; let isDataAction: Bool }
    struct ResourceType: Sendable { let name: String; let displayName: String; let operations: [Operation] }
    struct Provider: Sendable { let name: String; let displayName: String; let operations: [Operation]; let resourceTypes: [ResourceType] }
    static let providers: [Provider] = [
        Provider(name: "Microsoft.Authorization", displayName: "Microsoft Authorization", operations: [
            Operation(name: "Microsoft.Authorization/elevateAccess/action", displayName: "Assigns the caller to User Access Administrator role", description: "Grants the caller User Access Administrator access at the tenant scope", isDataAction: false),
        ], resourceTypes: [
            ResourceType(name: "roleAssignments", displayName: "Role assignment", operations: [
                Operation(name: "Microsoft.Authorization/roleAssignments/read", displayName: "Get role assignment", description: "Get information about a role assignment.", isDataAction: false),
                Operation(name: "Microsoft.Authorization/roleAssignments/write", displayName: "Create role assignment", description: "Create a role assignment at the specified scope.", isDataAction: false),
                Operation(name: "Microsoft.Authorization/roleAssignments/delete", displayName: "Delete role assignment", description: "Delete a role assignment at the specified scope.", isDataAction: false),
            ]),
            ResourceType(name: "locks", displayName: "Management lock", operations: [
                Operation(name: "Microsoft.Authorization/locks/read", displayName: "Get management locks", description: "Gets locks at the specified scope.", isDataAction: false),
                Operation(name: "Microsoft.Authorization/locks/write", displayName: "Add management locks", description: "Add locks at the specified scope.", isDataAction: false),
                Operation(name: "Microsoft.Authorization/locks/delete", displayName: "Delete management locks", description: "Delete locks at the specified scope.", isDataAction: false),
            ]),
            ResourceType(name: "roleDefinitions", displayName: "Role definition", operations: [
                Operation(name: "Microsoft.Authorization/roleDefinitions/read", displayName: "Get role definition", description: "Get information about a role definition.", isDataAction: false),
                Operation(name: "Microsoft.Authorization/roleDefinitions/write", displayName: "Create or update custom role definition", description: "Create or update a custom role definition with specified permissions and assignable scopes.", isDataAction: false),
                Operation(name: "Microsoft.Authorization/roleDefinitions/delete", displayName: "Delete custom role definition", description: "Delete the specified custom role definition.", isDataAction: false),
            ]),
            ResourceType(name: "denyAssignments", displayName: "Deny assignment", operations: [
                Operation(name: "Microsoft.Authorization/denyAssignments/read", displayName: "Get deny assignment", description: "Get information about a deny assignment.", isDataAction: false),
                Operation(name: "Microsoft.Authorization/denyAssignments/write", displayName: "Create deny assignment", description: "Create a deny assignment at the specified scope.", isDataAction: false),
                Operation(name: "Microsoft.Authorization/denyAssignments/delete", displayName: "Delete deny assignment", description: "Delete a deny assignment at the specified scope.", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.Blueprint", displayName: "Microsoft Blueprint", operations: [
        ], resourceTypes: [
            ResourceType(name: "blueprintAssignments", displayName: "Blueprints", operations: [
                Operation(name: "Microsoft.Blueprint/blueprintAssignments/write", displayName: "Create or update blueprint artifacts", description: "Create or update any blueprint artifacts", isDataAction: false),
                Operation(name: "Microsoft.Blueprint/blueprintAssignments/delete", displayName: "Delete blueprint artifacts", description: "Delete any blueprint artifacts", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.Compute", displayName: "Microsoft Compute", operations: [
        ], resourceTypes: [
            ResourceType(name: "virtualMachines", displayName: "Virtual Machines", operations: [
                Operation(name: "Microsoft.Compute/virtualMachines/read", displayName: "Get Virtual Machine", description: "Get the properties of a virtual machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/write", displayName: "Create or Update Virtual Machine", description: "Creates a new virtual machine or updates an existing virtual machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/delete", displayName: "Delete Virtual Machine", description: "Deletes the virtual machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/start/action", displayName: "Start Virtual Machine", description: "Starts the virtual machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/powerOff/action", displayName: "Power Off Virtual Machine", description: "Powers off the virtual machine. Note that the virtual machine will continue to be billed.", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/reapply/action", displayName: "Reapply a virtual machine's current model", description: "Reapplies a virtual machine's current model", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/redeploy/action", displayName: "Redeploy Virtual Machine", description: "Redeploys virtual machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/restart/action", displayName: "Restart Virtual Machine", description: "Restarts the virtual machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action", displayName: "Retrieve boot diagnostic logs blob URIs", description: "Retrieves boot diagnostic logs blob URIs", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/deallocate/action", displayName: "Deallocate Virtual Machine", description: "Powers off the virtual machine and releases the compute resources", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/generalize/action", displayName: "Generalize Virtual Machine", description: "Sets the virtual machine state to Generalized and prepares the virtual machine for capture", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/capture/action", displayName: "Capture Virtual Machine", description: "Captures the virtual machine by copying virtual hard disks and generates a template that can be used to create similar virtual machines", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/runCommand/action", displayName: "Run Command on Virtual Machine", description: "Executes a predefined script on the virtual machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/diagnosticRunCommand/action", displayName: "Diagnostic Run Command on Virtual Machine", description: "Executes a diagnostic script on the virtual machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/convertToManagedDisks/action", displayName: "Convert Virtual Machine disks to Managed Disks", description: "Converts the blob based disks of the virtual machine to managed disks", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/performMaintenance/action", displayName: "Perform Maintenance Redeploy", description: "Performs Maintenance Operation on the VM.", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/reimage/action", displayName: "Reimage Virtual Machine", description: "Reimages virtual machine which is using differencing disk.", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/login/action", displayName: "Log in to Virtual Machine", description: "Log in to a virtual machine as a regular user", isDataAction: true),
                Operation(name: "Microsoft.Compute/virtualMachines/loginAsAdmin/action", displayName: "Log in to Virtual Machine as administrator", description: "Log in to a virtual machine with Windows administrator or Linux root user privileges", isDataAction: true),
                Operation(name: "Microsoft.Compute/virtualMachines/installPatches/action", displayName: "Install OS update patches on virtual machine", description: "Installs available OS update patches on the virtual machine based on parameters provided by user. Assessment results containing list of available patches will also get refreshed as part of this.", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/assessPatches/action", displayName: "Assess virtual machine for available OS update patches", description: "Assesses the virtual machine and finds list of available OS update patches for it.", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/cancelPatchInstallation/action", displayName: "Cancel install OS update patch operation on virtual machine", description: "Cancels the ongoing install OS update patch operation on the virtual machine.", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/simulateEviction/action", displayName: "Simulate Eviction of spot Virtual Machine", description: "Simulates the eviction of spot Virtual Machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/WACloginAsAdmin/action", displayName: "Manage the OS via Windows Admin Center as an administrator", description: "Lets you manage the OS of your resource via Windows Admin Center as an administrator", isDataAction: true),
                Operation(name: "Microsoft.Compute/virtualMachines/osUpgradeInternal/action", displayName: "Perform OS Upgrade on Virtual Machine.", description: "Perform OS Upgrade on Virtual Machine belonging to Virtual Machine Scale Set with Flexible Orchestration Mode.", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/rollbackOSDisk/action", displayName: "Rollback OSDisk on Virtual Machine after failed OS Upgrade.", description: "Rollback OSDisk on Virtual Machine after failed OS Upgrade invoked by Virtual Machine Scale Set with Flexible Orchestration Mode.", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/deletePreservedOSDisk/action", displayName: "Deletes PreservedOSDisk on the Virtual Machine.", description: "Deletes PreservedOSDisk on the Virtual Machine which belongs to Virtual Machine Scale Set with Flexible Orchestration Mode.", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/upgradeVMAgent/action", displayName: "Upgrade VM Agent", description: "Upgrade version of VM Agent on Virtual Machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/attachDetachDataDisks/action", displayName: "Attach Detach data disks to a Virtual Machine", description: "Attaches Detaches existing data disks to a virtual machine", isDataAction: false),
                Operation(name: "Microsoft.Compute/virtualMachines/setVMHealth/action", displayName: "Set Virtual Machine Health.", description: "Sets health status on Virtual Machine belonging to Virtual Machine Scale Set with Flexible Orchestration Mode.", isDataAction: false),
            ]),
            ResourceType(name: "disks", displayName: "Disks", operations: [
                Operation(name: "Microsoft.Compute/disks/read", displayName: "Get Disk", description: "Get the properties of a Disk", isDataAction: false),
                Operation(name: "Microsoft.Compute/disks/write", displayName: "Create or Update Disk", description: "Creates a new Disk or updates an existing one", isDataAction: false),
                Operation(name: "Microsoft.Compute/disks/delete", displayName: "Delete Disk", description: "Deletes the Disk", isDataAction: false),
                Operation(name: "Microsoft.Compute/disks/beginGetAccess/action", displayName: "Get Disk SAS URI", description: "Get the SAS URI of the Disk for blob access", isDataAction: false),
                Operation(name: "Microsoft.Compute/disks/endGetAccess/action", displayName: "Revoke Disk SAS URI", description: "Revoke the SAS URI of the Disk", isDataAction: false),
                Operation(name: "Microsoft.Compute/disks/download/action", displayName: "Disk export data operation", description: "Perform read data operations on Disk SAS Uri", isDataAction: true),
                Operation(name: "Microsoft.Compute/disks/upload/action", displayName: "Disk upload data operation", description: "Perform write data operations on Disk SAS Uri", isDataAction: true),
            ]),
            ResourceType(name: "galleries", displayName: "Galleries", operations: [
                Operation(name: "Microsoft.Compute/galleries/share/action", displayName: "Share Gallery", description: "Shares a Gallery to different scopes", isDataAction: false),
            ]),
            ResourceType(name: "hostGroups", displayName: "Host Groups", operations: [
                Operation(name: "Microsoft.Compute/hostGroups/write", displayName: "Create or Update Host Group", description: "Creates a new host group or updates an existing host group", isDataAction: false),
            ]),
            ResourceType(name: "hostGroups/hosts", displayName: "Hosts", operations: [
                Operation(name: "Microsoft.Compute/hostGroups/hosts/write", displayName: "Create or Update Host", description: "Creates a new host or updates an existing host", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.Insights", displayName: "Microsoft Azure Monitor", operations: [
        ], resourceTypes: [
            ResourceType(name: "AlertRules", displayName: "Classic Metric Alerts", operations: [
                Operation(name: "Microsoft.Insights/AlertRules/Write", displayName: "Create or update classic metric alert", description: "Create or update a classic metric alert", isDataAction: false),
                Operation(name: "Microsoft.Insights/AlertRules/Delete", displayName: "Delete classic metric alert", description: "Delete a classic metric alert", isDataAction: false),
                Operation(name: "Microsoft.Insights/AlertRules/Read", displayName: "Read classic metric alert", description: "Read a classic metric alert", isDataAction: false),
                Operation(name: "Microsoft.Insights/AlertRules/Activated/Action", displayName: "Classic metric alert activated", description: "Classic metric alert activated", isDataAction: false),
                Operation(name: "Microsoft.Insights/AlertRules/Resolved/Action", displayName: "Classic metric alert resolved", description: "Classic metric alert resolved", isDataAction: false),
                Operation(name: "Microsoft.Insights/AlertRules/Throttled/Action", displayName: "Classic metric alert rule throttled", description: "Classic metric alert rule throttled", isDataAction: false),
            ]),
            ResourceType(name: "DiagnosticSettings", displayName: "Resource diagnostic settings", operations: [
                Operation(name: "Microsoft.Insights/DiagnosticSettings/Write", displayName: "Create or update resource diagnostic setting", description: "Create or update a resource diagnostic setting", isDataAction: false),
                Operation(name: "Microsoft.Insights/DiagnosticSettings/Delete", displayName: "Delete resource diagnostic setting", description: "Delete a resource diagnostic setting", isDataAction: false),
                Operation(name: "Microsoft.Insights/DiagnosticSettings/Read", displayName: "Read resource diagnostic setting", description: "Read a resource diagnostic setting", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.KeyVault", displayName: "Microsoft Key Vault", operations: [
        ], resourceTypes: [
            ResourceType(name: "vaults", displayName: "Key Vault", operations: [
                Operation(name: "Microsoft.KeyVault/vaults/read", displayName: "View Key Vault", description: "View the properties of a key vault", isDataAction: false),
                Operation(name: "Microsoft.KeyVault/vaults/write", displayName: "Update Key Vault", description: "Creates a new key vault or updates the properties of an existing key vault. Certain properties may require more permissions.", isDataAction: false),
                Operation(name: "Microsoft.KeyVault/vaults/delete", displayName: "Delete Key Vault", description: "Deletes a key vault", isDataAction: false),
                Operation(name: "Microsoft.KeyVault/vaults/deploy/action", displayName: "Use Vault for Azure Deployments", description: "Enables access to secrets in a key vault when deploying Azure resources", isDataAction: false),
                Operation(name: "Microsoft.KeyVault/vaults/PrivateEndpointConnectionsApproval/action", displayName: "Approve or reject a Private Endpoint connection", description: "Approve or reject a connection to a Private Endpoint resource of Microsoft.Network provider", isDataAction: false),
                Operation(name: "Microsoft.KeyVault/vaults/joinPerimeter/action", displayName: "Action to join the Network Security Perimeter", description: "Action to join the Network Security Perimeter, used by linked access checks by NRP.", isDataAction: false),
            ]),
            ResourceType(name: "vaults/secrets", displayName: "Secret", operations: [
                Operation(name: "Microsoft.KeyVault/vaults/secrets/read", displayName: "Read Secret Properties", description: "View the properties of a secret, but not its value.", isDataAction: false),
                Operation(name: "Microsoft.KeyVault/vaults/secrets/write", displayName: "Write Secret", description: "Creates a new secret or updates the value of an existing secret.", isDataAction: false),
                Operation(name: "Microsoft.KeyVault/vaults/secrets/delete", displayName: "Delete Secret", description: "Deletes a secret. All versions are deleted.", isDataAction: true),
                Operation(name: "Microsoft.KeyVault/vaults/secrets/backup/action", displayName: "Backup Secret", description: "Creates the backup file of a secret. The file can used to restore the secret in a Key Vault of same subscription. Restrictions may apply.", isDataAction: true),
                Operation(name: "Microsoft.KeyVault/vaults/secrets/purge/action", displayName: "Purge Secret", description: "Purges a secret, making it unrecoverable.", isDataAction: true),
                Operation(name: "Microsoft.KeyVault/vaults/secrets/update/action", displayName: "Update Secret", description: "Updates the specified attributes associated with the given secret.", isDataAction: true),
                Operation(name: "Microsoft.KeyVault/vaults/secrets/recover/action", displayName: "Recover Secret", description: "Recovers the deleted secret. The operation performs the reversal of the Delete operation. The operation is applicable in vaults enabled for soft-delete, and must be issued during the retention interval.", isDataAction: true),
                Operation(name: "Microsoft.KeyVault/vaults/secrets/restore/action", displayName: "Restore Secret", description: "Restores a secret and all its versions from a backup file generated by Key Vault.", isDataAction: true),
                Operation(name: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", displayName: "List or Read Secret Properties", description: "List or view the properties of a secret, but not its value.", isDataAction: true),
                Operation(name: "Microsoft.KeyVault/vaults/secrets/getSecret/action", displayName: "Get Secret", description: "Gets the value of a secret.", isDataAction: true),
                Operation(name: "Microsoft.KeyVault/vaults/secrets/setSecret/action", displayName: "Set Secret", description: "Sets the value of a secret. If the secret does not exist, the first version is created. Otherwise, a new version is created with the specified value.", isDataAction: true),
            ]),
        ]),
        Provider(name: "Microsoft.ManagedIdentity", displayName: "Microsoft Managed Identity", operations: [
        ], resourceTypes: [
            ResourceType(name: "userAssignedIdentities", displayName: "User Assigned Identities", operations: [
                Operation(name: "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action", displayName: "Assign User Assigned Identity", description: "RBAC action for assigning an existing user assigned identity to a resource", isDataAction: false),
                Operation(name: "Microsoft.ManagedIdentity/userAssignedIdentities/delete", displayName: "Delete User Assigned Identity", description: "Deletes an existing user assigned identity", isDataAction: false),
                Operation(name: "Microsoft.ManagedIdentity/userAssignedIdentities/listAssociatedResources/action", displayName: "List associated resources for User Assigned Identity", description: "Lists all associated resources for an existing user assigned identity", isDataAction: false),
                Operation(name: "Microsoft.ManagedIdentity/userAssignedIdentities/read", displayName: "Get User Assigned Identity", description: "Gets an existing user assigned identity", isDataAction: false),
                Operation(name: "Microsoft.ManagedIdentity/userAssignedIdentities/write", displayName: "Create/Update User Assigned Identity", description: "Creates a new user assigned identity or updates the tags associated with an existing user assigned identity", isDataAction: false),
                Operation(name: "Microsoft.ManagedIdentity/userAssignedIdentities/revokeTokens/action", displayName: "Revokes tokens minted on User Assigned Identity", description: "Revoked all the existing tokens on a user assigned identity", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.Network", displayName: "Microsoft Network", operations: [
        ], resourceTypes: [
            ResourceType(name: "virtualNetworks", displayName: "Virtual Network", operations: [
                Operation(name: "Microsoft.Network/virtualNetworks/read", displayName: "Get Virtual Network", description: "Get the virtual network definition", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/write", displayName: "Create or Update Virtual Network", description: "Creates a virtual network or updates an existing virtual network", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/delete", displayName: "Delete Virtual Network", description: "Deletes a virtual network", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/joinLoadBalancer/action", displayName: "Join load balancer to virtual networks", description: "Joins a load balancer to virtual networks", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/peer/action", displayName: "Peer Virtual Networks", description: "Peers a virtual network with another virtual network", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/join/action", displayName: "Join Virtual Network.", description: "Joins a virtual network. Not Alertable.", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/BastionHosts/action", displayName: "Get Bastion Host associated with the Virtual Network.", description: "Gets Bastion Host refrences in a Virtual Network.", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/ddosProtectionStatus/action", displayName: "Get Ddos protection status for standard public IP addresses associated to a Virtual Network", description: "Gets the effective Ddos protection status for a Virtual Network resource.", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/setAdminNetworkSecurityGroup/action", displayName: "Set Admin Network Security Group", description: "Sets Admin Network Security Group Reference On Virtual Network", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/removeAdminNetworkSecurityGroup/action", displayName: "Remove Admin Network Security Group", description: "Removes Admin Network Security Group Reference From Virtual Network", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/moveIpConfigurations/action", displayName: "Move IP Configurations", description: "Moves secondary IP configurations between resources", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/rnmEffectiveRouteTable/action", displayName: "Gets Effective Routes in RNM format", description: "Gets RouteTables Configured On CA Of The Vnet In Rnm Format", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/rnmEffectiveNetworkSecurityGroups/action", displayName: "Gets Effective Acls In RNM format", description: "Gets Security Groups Configured On CA Of The Vnet In Rnm Format", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/listNetworkManagerEffectiveConnectivityConfigurations/action", displayName: "List Network Manager Effective Connectivity Configurations", description: "Lists Network Manager Effective Connectivity Configurations", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/listNetworkManagerEffectiveSecurityAdminRules/action", displayName: "List Network Manager Effective Security Admin Rules", description: "Lists Network Manager Effective Security Admin Rules", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/manageIpFromPool/action", displayName: "Manage Private Ip Inventory Pool Operation", description: "Manage Private Ip Inventory Pool Operation Description", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/listDnsResolvers/action", displayName: "Gets the DNS Resolver for Virtual Network", description: "Gets the DNS Resolver for Virtual Network, in JSON format", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/listDnsForwardingRulesets/action", displayName: "Gets the DNS Forwarding Ruleset for Virtual Network", description: "Gets the DNS Forwarding Ruleset for Virtual Network, in JSON format", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/listDnsResolverPolicies/action", displayName: "Get Virtual Network DNS Resolver Policy", description: "Gets the DNS Resolver Policy associated with a Virtual Network, in JSON format.", isDataAction: false),
            ]),
            ResourceType(name: "virtualNetworks/subnets", displayName: "Virtual Network Subnet", operations: [
                Operation(name: "Microsoft.Network/virtualNetworks/subnets/read", displayName: "Get Virtual Network Subnet", description: "Gets a virtual network subnet definition", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/subnets/write", displayName: "Create or Update Virtual Network Subnet", description: "Creates a virtual network subnet or updates an existing virtual network subnet", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/subnets/delete", displayName: "Delete Virtual Network Subnet", description: "Deletes a virtual network subnet", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/subnets/joinLoadBalancer/action", displayName: "Join load balancer to virtual network subnets", description: "Joins a load balancer to virtual network subnets", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/subnets/join/action", displayName: "Join Virtual Network.", description: "Joins a virtual network. Not Alertable.", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action", displayName: "Join Service to a Subnet.", description: "Joins resource such as storage account or SQL database to a subnet. Not alertable.", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/subnets/prepareNetworkPolicies/action", displayName: "Prepares a subnet by applying necessary Network Policies", description: "Prepares a subnet by applying necessary Network Policies", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/subnets/unprepareNetworkPolicies/action", displayName: "Unprepare a subnet by removing the applied Network Policies", description: "Unprepare a subnet by removing the applied Network Policies", isDataAction: false),
                Operation(name: "Microsoft.Network/virtualNetworks/subnets/getNetworkPolicies/action", displayName: "Get Subnet Network Intent Policies", description: "Lists Network Intent Policies attached to a subnet", isDataAction: false),
            ]),
            ResourceType(name: "publicIPAddresses", displayName: "Public Ip Address", operations: [
                Operation(name: "Microsoft.Network/publicIPAddresses/read", displayName: "Get Public Ip Address", description: "Gets a public ip address definition.", isDataAction: false),
                Operation(name: "Microsoft.Network/publicIPAddresses/write", displayName: "Create or Update Public Ip Address", description: "Creates a public Ip address or updates an existing public Ip address. ", isDataAction: false),
                Operation(name: "Microsoft.Network/publicIPAddresses/delete", displayName: "Delete Public Ip Address", description: "Deletes a public Ip address.", isDataAction: false),
                Operation(name: "Microsoft.Network/publicIPAddresses/join/action", displayName: "Join Public Ip Address.", description: "Joins a public ip address. Not Alertable.", isDataAction: false),
                Operation(name: "Microsoft.Network/publicIPAddresses/joinServiceEndpointNetworkIdentifier/action", displayName: "Join a Public Ip Address Service Endpoint Network Identifier", description: "Joins a Public Ip Address Service Endpoint Network Identifier", isDataAction: false),
                Operation(name: "Microsoft.Network/publicIPAddresses/ddosProtectionStatus/action", displayName: "Get Ddos protection status for a Public IP Address", description: "Gets the effective Ddos protection status for a Public IP Address resource.", isDataAction: false),
            ]),
            ResourceType(name: "networkInterfaces", displayName: "Network Interface", operations: [
                Operation(name: "Microsoft.Network/networkInterfaces/read", displayName: "Get Network Interface", description: "Gets a network interface definition. ", isDataAction: false),
                Operation(name: "Microsoft.Network/networkInterfaces/write", displayName: "Create or Update Network Interface", description: "Creates a network interface or updates an existing network interface. ", isDataAction: false),
                Operation(name: "Microsoft.Network/networkInterfaces/join/action", displayName: "Join Virtual Machine to a network interface.", description: "Joins a Virtual Machine to a network interface. Not Alertable.", isDataAction: false),
                Operation(name: "Microsoft.Network/networkInterfaces/delete", displayName: "Delete Network Interface", description: "Deletes a network interface", isDataAction: false),
                Operation(name: "Microsoft.Network/networkInterfaces/effectiveRouteTable/action", displayName: "Get Network Interface Effective Route Table", description: "Get Route Table configured On Network Interface Of The Vm", isDataAction: false),
                Operation(name: "Microsoft.Network/networkInterfaces/effectiveNetworkSecurityGroups/action", displayName: "Get Network Interface Effective Security Groups", description: "Get Network Security Groups configured On Network Interface Of The Vm", isDataAction: false),
                Operation(name: "Microsoft.Network/networkInterfaces/UpdateParentNicAttachmentOnElasticNic/action", displayName: "Update parent NIC on the elastic NIC", description: "Updates the parent NIC associated to the elastic NIC", isDataAction: false),
            ]),
            ResourceType(name: "networkSecurityGroups", displayName: "Network Security Group", operations: [
                Operation(name: "Microsoft.Network/networkSecurityGroups/read", displayName: "Get Network Security Group", description: "Gets a network security group definition", isDataAction: false),
                Operation(name: "Microsoft.Network/networkSecurityGroups/write", displayName: "Create or Update Network Security Group", description: "Creates a network security group or updates an existing network security group", isDataAction: false),
                Operation(name: "Microsoft.Network/networkSecurityGroups/delete", displayName: "Delete Network Security Group", description: "Deletes a network security group", isDataAction: false),
                Operation(name: "Microsoft.Network/networkSecurityGroups/join/action", displayName: "Join Network Security Group.", description: "Joins a network security group. Not Alertable.", isDataAction: false),
            ]),
            ResourceType(name: "loadBalancers", displayName: "Load Balancer", operations: [
                Operation(name: "Microsoft.Network/loadBalancers/read", displayName: "Get Load Balancer", description: "Gets a load balancer definition", isDataAction: false),
            ]),
            ResourceType(name: "loadBalancers/backendAddressPools", displayName: "Load Balancer Backend Address Pool", operations: [
                Operation(name: "Microsoft.Network/loadBalancers/backendAddressPools/join/action", displayName: "Join Load Balancer Backend Address Pool.", description: "Joins a load balancer backend address pool. Not Alertable.", isDataAction: false),
            ]),
            ResourceType(name: "loadBalancers/inboundNatRules", displayName: "Load Balancer Inbound Nat Rule", operations: [
                Operation(name: "Microsoft.Network/loadBalancers/inboundNatRules/join/action", displayName: "Join Load Balancer Inbound Nat Rule.", description: "Joins a load balancer inbound nat rule. Not Alertable.", isDataAction: false),
            ]),
            ResourceType(name: "loadBalancers/inboundNatPools", displayName: "Load Balancer Inbound Nat Pool", operations: [
                Operation(name: "Microsoft.Network/loadBalancers/inboundNatPools/join/action", displayName: "Join Load Balancer Inbound Nat Pool", description: "Joins a load balancer inbound NAT pool. Not alertable.", isDataAction: false),
            ]),
            ResourceType(name: "loadBalancers/probes", displayName: "Load Balancer Probe", operations: [
                Operation(name: "Microsoft.Network/loadBalancers/probes/join/action", displayName: "Join Load Balancer Probe", description: "Allows using probes of a load balancer. For example, with this permission healthProbe property of VM scale set can reference the probe. Not alertable.", isDataAction: false),
            ]),
            ResourceType(name: "applicationGateways/backendAddressPools", displayName: "Application Gateway Backend Address Pool", operations: [
                Operation(name: "Microsoft.Network/applicationGateways/backendAddressPools/join/action", displayName: "Join Application Gateway Backend Address Pool", description: "Joins an application gateway backend address pool. Not Alertable.", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.Purview", displayName: "Microsoft Purview", operations: [
        ], resourceTypes: [
            ResourceType(name: "consents", displayName: "Consent", operations: [
                Operation(name: "Microsoft.Purview/consents/write", displayName: "Create or Update Consent Resource", description: "Create or Update a Consent Resource.", isDataAction: false),
                Operation(name: "Microsoft.Purview/consents/delete", displayName: "Delete Consent Resource", description: "Delete the Consent Resource.", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.RecoveryServices", displayName: "Microsoft.RecoveryServices", operations: [
        ], resourceTypes: [
            ResourceType(name: "Vaults/usages", displayName: "Vault Usage", operations: [
                Operation(name: "Microsoft.RecoveryServices/Vaults/usages/read", displayName: "Recovery Services Vault usage details.", description: "Returns usage details for a Recovery Services Vault.", isDataAction: false),
                Operation(name: "Microsoft.RecoveryServices/vaults/usages/read", displayName: "Read Vault Usages", description: "Read any Vault Usages", isDataAction: false),
            ]),
            ResourceType(name: "Vaults", displayName: "Vaults", operations: [
                Operation(name: "Microsoft.RecoveryServices/Vaults/write", displayName: "Create Vault", description: "Create Vault operation creates an Azure resource of type 'vault'", isDataAction: false),
                Operation(name: "Microsoft.RecoveryServices/Vaults/read", displayName: "Get Vault", description: "The Get Vault operation gets an object representing the Azure resource of type 'vault'", isDataAction: false),
            ]),
            ResourceType(name: "Vaults/backupPolicies", displayName: "Backup Policies", operations: [
                Operation(name: "Microsoft.RecoveryServices/Vaults/backupPolicies/read", displayName: "Get Protection Policy", description: "Returns all Protection Policies", isDataAction: false),
                Operation(name: "Microsoft.RecoveryServices/Vaults/backupPolicies/write", displayName: "Create or Update Protection Policy", description: "Creates or Updates Protection Policy", isDataAction: false),
            ]),
            ResourceType(name: "Vaults/backupFabrics/protectionContainers/protectedItems", displayName: "Protected Items", operations: [
                Operation(name: "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/read", displayName: "Get Protected Item Details", description: "Returns object details of the Protected Item", isDataAction: false),
                Operation(name: "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write", displayName: "Create Backup Protected Item", description: "Create a backup Protected Item", isDataAction: false),
            ]),
            ResourceType(name: "Vaults/backupFabrics/backupProtectionIntent", displayName: "Protection Intent", operations: [
                Operation(name: "Microsoft.RecoveryServices/Vaults/backupFabrics/backupProtectionIntent/write", displayName: "Create backup Protection Intent", description: "Create a backup Protection Intent", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.ResourceHealth", displayName: "Microsoft ResourceHealth", operations: [
        ], resourceTypes: [
            ResourceType(name: "AvailabilityStatuses", displayName: "Availability Status", operations: [
                Operation(name: "Microsoft.ResourceHealth/AvailabilityStatuses/read", displayName: "Get Availability Statuses", description: "Gets the availability statuses for all resources in the specified scope", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.Resources", displayName: "Microsoft Resources", operations: [
        ], resourceTypes: [
            ResourceType(name: "subscriptions", displayName: "Subscription", operations: [
                Operation(name: "Microsoft.Resources/subscriptions/read", displayName: "Get Subscriptions", description: "Gets the list of subscriptions.", isDataAction: false),
            ]),
            ResourceType(name: "subscriptions/resourceGroups", displayName: "Resource Group", operations: [
                Operation(name: "Microsoft.Resources/subscriptions/resourceGroups/read", displayName: "Get Resource Group", description: "Gets or lists resource groups.", isDataAction: false),
                Operation(name: "Microsoft.Resources/subscriptions/resourceGroups/write", displayName: "Create Resource Group", description: "Creates or updates a resource group.", isDataAction: false),
                Operation(name: "Microsoft.Resources/subscriptions/resourceGroups/delete", displayName: "Delete Resource Group", description: "Deletes a resource group and all its resources.", isDataAction: false),
                Operation(name: "Microsoft.Resources/subscriptions/resourceGroups/moveResources/action", displayName: "Move Resource Group Resources", description: "Moves resources from one resource group to another.", isDataAction: false),
                Operation(name: "Microsoft.Resources/subscriptions/resourceGroups/validateMoveResources/action", displayName: "Validate Move Resource Group Resources", description: "Validate move of resources from one resource group to another.", isDataAction: false),
            ]),
            ResourceType(name: "deployments", displayName: "Deployment", operations: [
                Operation(name: "Microsoft.Resources/deployments/read", displayName: "Get Deployment", description: "Gets or lists deployments.", isDataAction: false),
                Operation(name: "Microsoft.Resources/deployments/write", displayName: "Create Deployment", description: "Creates or updates an deployment.", isDataAction: false),
                Operation(name: "Microsoft.Resources/deployments/delete", displayName: "Delete Deployment", description: "Deletes a deployment.", isDataAction: false),
                Operation(name: "Microsoft.Resources/deployments/cancel/action", displayName: "Cancel Deployment", description: "Cancels a deployment.", isDataAction: false),
                Operation(name: "Microsoft.Resources/deployments/validate/action", displayName: "Validate Deployment", description: "Validates a deployment.", isDataAction: false),
                Operation(name: "Microsoft.Resources/deployments/whatIf/action", displayName: "Deployment What-If", description: "Predicts template deployment changes.", isDataAction: false),
                Operation(name: "Microsoft.Resources/deployments/exportTemplate/action", displayName: "Export template for deployment", description: "Export template for a deployment", isDataAction: false),
            ]),
            ResourceType(name: "deploymentStacks", displayName: "Deployment Stacks", operations: [
                Operation(name: "Microsoft.Resources/deploymentStacks/manageDenySetting/action", displayName: "Manage deployment stack denySettings", description: "Manage the denySettings property of a deployment stack.", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.SerialConsole", displayName: "Microsoft.SerialConsole", operations: [
        ], resourceTypes: [
            ResourceType(name: "serialPorts", displayName: "Serial Console instance", operations: [
                Operation(name: "Microsoft.SerialConsole/serialPorts/connect/action", displayName: "Connect", description: "Connect to a serial port", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.Sql", displayName: "Microsoft SQL Database", operations: [
        ], resourceTypes: [
            ResourceType(name: "servers/databases", displayName: "Azure SQL Database", operations: [
                Operation(name: "Microsoft.Sql/servers/databases/read", displayName: "List/Get Azure SQL Database(s)", description: "Return the list of databases or gets the properties for the specified database.", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/write", displayName: "Create/Update Azure SQL Database", description: "Creates a database with the specified parameters or update the properties or tags for the specified database.", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/delete", displayName: "Delete Azure SQL Database", description: "Deletes an existing database.", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/pause/action", displayName: "Pause a Datawarehouse database.", description: "Pause Azure SQL Datawarehouse Database", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/resume/action", displayName: "Resume a Datawarehouse database.", description: "Resume Azure SQL Datawarehouse Database", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/failover/action", displayName: "Issue failover on the database.", description: "Customer initiated database failover.", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/export/action", displayName: "Export an existing database.", description: "Export Azure SQL Database", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/upgradeDataWarehouse/action", displayName: "Upgrade a data warehouse.", description: "Upgrade Azure SQL Datawarehouse Database", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/move/action", displayName: "Rename Azure SQL Database", description: "Change the name of an existing database.", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/restorePoints/action", displayName: "Creates a restore point", description: "Creates a new restore point", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/import/action", displayName: "Import database from bacpac", description: "Import Azure SQL Database", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/vulnerabilityAssessmentScans/action", displayName: "Execute vulnerability assessment database scan", description: "Execute vulnerability assessment database scan.", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/databases/getCurrentAvailabilityZone/action", displayName: "Get the current availability zone of a database.", description: "Get the current availability zone of a database.", isDataAction: false),
            ]),
            ResourceType(name: "servers", displayName: "Azure SQL Server", operations: [
                Operation(name: "Microsoft.Sql/servers/tdeCertificates/action", displayName: "Update Azure SQL Server TDE Certificate", description: "Create/Update TDE certificate", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/read", displayName: "List/Get Azure SQL Server(s)", description: "Return the list of servers or gets the properties for the specified server.", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/write", displayName: "Create/Update Azure SQL Server", description: "Creates a server with the specified parameters or update the properties or tags for the specified server.", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/delete", displayName: "Delete Azure SQL Server", description: "Deletes an existing server.", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/import/action", displayName: "Import database into the server", description: "Import new Azure SQL Database", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/joinPerimeter/action", displayName: "Join Network Security Perimeter", description: "Add server to Network Security Perimeter", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/privateEndpointConnectionsApproval/action", displayName: "Private Endpoint Connections Approval", description: "Determines if user is allowed to approve a private endpoint connection", isDataAction: false),
                Operation(name: "Microsoft.Sql/servers/refreshExternalGovernanceStatus/action", displayName: "Refreshes external governance enablement status", description: "Refreshes external governance enablement status", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.Storage", displayName: "Microsoft Storage", operations: [
        ], resourceTypes: [
            ResourceType(name: "storageAccounts/blobServices", displayName: "Storage Blob Services", operations: [
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/read", displayName: "List Blob Services", description: "List blob services", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action", displayName: "Generate a user delegation key", description: "Returns a user delegation key for the blob service", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/getInfo/action", displayName: "", description: "", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/write", displayName: "Put blob service properties", description: "Returns the result of put blob service properties", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/read", displayName: "Get blob service properties or statistics", description: "Returns blob service properties or statistics", isDataAction: false),
            ]),
            ResourceType(name: "storageAccounts/blobServices/containers/blobs", displayName: "Storage Blob Service Blobs", operations: [
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", displayName: "Read Blob", description: "Returns a blob or a list of blobs", isDataAction: true),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", displayName: "Write Blob", description: "Returns the result of writing a blob", isDataAction: true),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete", displayName: "Delete blob", description: "Returns the result of deleting a blob", isDataAction: true),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action", displayName: "Add blob content", description: "Returns the result of adding blob content", isDataAction: true),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action", displayName: "Move blobs", description: "Moves the blob from one path to another", isDataAction: true),
            ]),
            ResourceType(name: "storageAccounts/blobServices/containers", displayName: "Storage Blob Service Containers", operations: [
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/migrate/action", displayName: "", description: "", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/write", displayName: "Patch blob container", description: "Returns the result of patch blob container", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/setAcl/action", displayName: "", description: "", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/getAcl/action", displayName: "", description: "", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/delete", displayName: "Delete blob container", description: "Returns the result of deleting a container", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/read", displayName: "Get blob container", description: "Returns a container", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/read", displayName: "List of blob containers", description: "Returns list of containers", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/lease/action", displayName: "Lease blob container", description: "Returns the result of leasing blob container", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/write", displayName: "Put blob container", description: "Returns the result of put blob container", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/clearLegalHold/action", displayName: "Clear blob container legal hold", description: "Clear blob container legal hold", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/setLegalHold/action", displayName: "Set blob container legal hold", description: "Set blob container legal hold", isDataAction: false),
            ]),
            ResourceType(name: "storageAccounts", displayName: "Storage Accounts", operations: [
                Operation(name: "Microsoft.Storage/storageAccounts/updateAutoRotateUserKeys/action", displayName: "", description: "", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/updateAccountContainerHoldingPeriod/action", displayName: "", description: "", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/updateInternalProperties/action", displayName: "", description: "", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/consumerDataShare/action", displayName: "", description: "", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/abortHnsOnMigration/action", displayName: "Abort Account HnsOn Migration", description: "Customer is able to abort an ongoing Hns migration on the storage account", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/hnsonmigration/action", displayName: "Account HnsOn Migration", description: "Customer is able to migrate to hns account type", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/networkSecurityPerimeterConfigurations/action", displayName: "", description: "", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/restoreBlobRanges/action", displayName: "Restore blob ranges", description: "Restore blob ranges to the state of the specified time", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/PrivateEndpointConnectionsApproval/action", displayName: "Approve Private Endpoint Connections", description: "Approve Private Endpoint Connections", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/failover/action", displayName: "Storage Account Failover", description: "Customer is able to control the failover in case of availability issues", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/listkeys/action", displayName: "List Storage Account Keys", description: "Returns the access keys for the specified storage account.", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/regeneratekey/action", displayName: "Regenerate Storage Account Keys", description: "Regenerates the access keys for the specified storage account.", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/rotateKey/action", displayName: "", description: "", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/revokeUserDelegationKeys/action", displayName: "Revoke Storage Account User Delegation Keys", description: "Revokes all the user delegation keys for the specified storage account.", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/joinPerimeter/action", displayName: "Access check for joining Network Security Perimeter", description: "Access check for joining Network Security Perimeter", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/delete", displayName: "Delete Storage Account", description: "Deletes an existing storage account.", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/read", displayName: "List/Get Storage Account(s)", description: "Returns the list of storage accounts or gets the properties for the specified storage account.", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/listAccountSas/action", displayName: "Returns Storage Account SAS Token", description: "Returns the Account SAS token for the specified storage account.", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/listServiceSas/action", displayName: "Returns Storage Service SAS Token", description: "Returns the Service SAS token for the specified storage account.", isDataAction: false),
                Operation(name: "Microsoft.Storage/storageAccounts/write", displayName: "Create/Update Storage Account", description: "Creates a storage account with the specified parameters or update the properties or tags or adds custom domain for the specified storage account.", isDataAction: false),
            ]),
        ]),
        Provider(name: "Microsoft.Subscription", displayName: "Microsoft Subscription", operations: [
            Operation(name: "Microsoft.Subscription/cancel/action", displayName: "Cancel subscription", description: "Cancels the Subscription", isDataAction: false),
            Operation(name: "Microsoft.Subscription/enable/action", displayName: "Reactivate subscription", description: "Reactivates the Subscription", isDataAction: false),
        ], resourceTypes: [
        ]),
        Provider(name: "Microsoft.Support", displayName: "Microsoft Support", operations: [
        ], resourceTypes: [
            ResourceType(name: "supportTickets", displayName: "Support Ticket", operations: [
                Operation(name: "Microsoft.Support/supportTickets/read", displayName: "Reads Support Ticket", description: "Lists one or all support tickets", isDataAction: false),
                Operation(name: "Microsoft.Support/supportTickets/write", displayName: "Writes Support Ticket", description: "Allows creating and updating a support ticket", isDataAction: false),
            ]),
        ]),
        Provider(name: "microsoft.web", displayName: "Microsoft Web Apps", operations: [
            Operation(name: "microsoft.web/register/action", displayName: "Register Microsoft.Web resource provider", description: "Register Microsoft.Web resource provider for the subscription.", isDataAction: false),
        ], resourceTypes: [
            ResourceType(name: "sites", displayName: "Web App", operations: [
                Operation(name: "Microsoft.Web/sites/Read", displayName: "Get Web App", description: "Get the properties of a Web App", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/Write", displayName: "Create or Update Web App", description: "Create a new Web App or update an existing one", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/Delete", displayName: "Delete Web App", description: "Delete an existing Web App", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/backup/Action", displayName: "Create Web App Backup", description: "Create a new web app backup", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/publishxml/Action", displayName: "Get Web App Publishing Profile", description: "Get publishing profile xml for a Web App", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/publish/Action", displayName: "Publish Web App", description: "Publish a Web App", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/restart/Action", displayName: "Restart Web App", description: "Restart a Web App", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/start/Action", displayName: "Start Web App", description: "Start a Web App", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/startDevSession/Action", displayName: "Start Dev Session for a Web App", description: "Start Dev Session for a Web App", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/stop/Action", displayName: "Stop Web App", description: "Stop a Web App", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/slotsswap/Action", displayName: "Swap Web App Slots", description: "Swap Web App deployment slots", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/slotsdiffs/Action", displayName: "Get Web App Slots Differences", description: "Get differences in configuration between web app and slots", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/applySlotConfig/Action", displayName: "Apply Web App Configuration", description: "Apply web app slot configuration from target slot to the current web app", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/resetSlotConfig/Action", displayName: "Reset Web App Configuration", description: "Reset web app configuration", isDataAction: false),
                Operation(name: "Microsoft.Web/sites/PrivateEndpointConnectionsApproval/action", displayName: "Approve Private Endpoint Connections", description: "Approve Private Endpoint Connections", isDataAction: false),
                Operation(name: "microsoft.web/sites/deployWorkflowArtifacts/action", displayName: "Create the artifacts in a Logic App", description: "Create the artifacts in a Logic App.", isDataAction: false),
                Operation(name: "microsoft.web/sites/listworkflowsconnections/action", displayName: "List logic app's connections by its ID in a Logic App", description: "List logic app's connections by its ID in a Logic App.", isDataAction: false),
                Operation(name: "microsoft.web/sites/functions/action", displayName: "Functions Web Apps", description: "Functions Web Apps.", isDataAction: false),
                Operation(name: "microsoft.web/sites/listsyncfunctiontriggerstatus/action", displayName: "List Web Apps Sync Function Trigger Status", description: "List Sync Function Trigger Status.", isDataAction: false),
                Operation(name: "microsoft.web/sites/networktrace/action", displayName: "Network Trace Web Apps", description: "Network Trace Web Apps.", isDataAction: false),
                Operation(name: "microsoft.web/sites/newpassword/action", displayName: "Newpassword Web Apps", description: "Newpassword Web Apps.", isDataAction: false),
                Operation(name: "microsoft.web/sites/sync/action", displayName: "Sync Web Apps", description: "Sync Web Apps.", isDataAction: false),
                Operation(name: "microsoft.web/sites/migratemysql/action", displayName: "Migrate MySql Web Apps", description: "Migrate MySql Web Apps.", isDataAction: false),
                Operation(name: "microsoft.web/sites/recover/action", displayName: "Recover Web Apps", description: "Recover Web Apps.", isDataAction: false),
                Operation(name: "microsoft.web/sites/restoresnapshot/action", displayName: "Restore Web Apps Snapshots", description: "Restore Web Apps Snapshots.", isDataAction: false),
                Operation(name: "microsoft.web/sites/restorefromdeletedapp/action", displayName: "Restore Web Apps From Deleted App", description: "Restore Web Apps From Deleted App.", isDataAction: false),
                Operation(name: "microsoft.web/sites/syncfunctiontriggers/action", displayName: "Sync Web Apps Function Triggers", description: "Sync Function Triggers.", isDataAction: false),
                Operation(name: "microsoft.web/sites/backups/action", displayName: "Discovers an existing app backup", description: "Discovers an existing app backup that can be restored from a blob in Azure storage.", isDataAction: false),
                Operation(name: "microsoft.web/sites/containerlogs/action", displayName: "Get Zipped Container Logs for Web App", description: "Get Zipped Container Logs for Web App.", isDataAction: false),
                Operation(name: "microsoft.web/sites/restorefrombackupblob/action", displayName: "Restore Web App From Backup Blob", description: "Restore Web App From Backup Blob.", isDataAction: false),
                Operation(name: "microsoft.web/sites/listbackups/action", displayName: "List Web App backups", description: "List Web App backups.", isDataAction: false),
                Operation(name: "microsoft.web/sites/slotcopy/action", displayName: "Copy content from deployment slot", description: "Copy content from deployment slot.", isDataAction: false),
                Operation(name: "Microsoft.Web/Sites/networkSecurityPerimeterConfigurations/action", displayName: "Reconcile Web App Network Security Perimeter Configurations", description: "Reconcile Web App Network Security Perimeter Configurations.", isDataAction: false),
                Operation(name: "Microsoft.Web/Sites/joinPerimeter/action", displayName: "Join Network Security Perimeter", description: "Determines if a user is allowed to associate an Azure Web App with a Network Security Perimeter.", isDataAction: false),
            ]),
            ResourceType(name: "serverfarms", displayName: "App Service Plan", operations: [
                Operation(name: "Microsoft.Web/serverfarms/Read", displayName: "Get App Service Plan", description: "Get the properties on an App Service Plan", isDataAction: false),
                Operation(name: "Microsoft.Web/serverfarms/Write", displayName: "Create or Update App Service Plan", description: "Create a new App Service Plan or update an existing one", isDataAction: false),
                Operation(name: "Microsoft.Web/serverfarms/Delete", displayName: "Delete App Service Plan", description: "Delete an existing App Service Plan", isDataAction: false),
                Operation(name: "Microsoft.Web/serverfarms/Join/Action", displayName: "Join App Service Plan", description: "Joins an App Service Plan", isDataAction: false),
                Operation(name: "Microsoft.Web/serverfarms/startSites/Action", displayName: "Start Apps", description: "Start all Apps in an App Service Plan", isDataAction: false),
                Operation(name: "Microsoft.Web/serverfarms/stopSites/Action", displayName: "Stop Apps", description: "Stop all Apps in an App Service Plan", isDataAction: false),
                Operation(name: "Microsoft.Web/serverfarms/restartSites/Action", displayName: "Restart Web Apps", description: "Restart all Web Apps in an App Service Plan", isDataAction: false),
            ]),
            ResourceType(name: "listSitesAssignedToHostName", displayName: "Site Name", operations: [
                Operation(name: "Microsoft.Web/listSitesAssignedToHostName/Read", displayName: "Get sites assigned to hostname", description: "Get names of sites assigned to hostname.", isDataAction: false),
            ]),
        ]),
    ]
}

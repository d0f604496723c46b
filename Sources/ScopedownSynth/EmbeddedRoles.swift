// Generated from the public az role definition list export (easimon/azure-builtin-roles, MIT,
// see ../shared/azure/SOURCES.md §1): real GUIDs and permissions of a few common built-in roles,
// used when `scopedown synth` is not given `--roles FILE`.
import ScopedownCore

enum EmbeddedRoles {
    static let all: [RoleDefinition] = [
        RoleDefinition(
            id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635", roleName: "Owner",
            description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: ["*"],
                    notActions: [],
                    dataActions: [],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2015-02-02T21:55:09.880642+00:00", updatedOn: "2021-11-11T20:13:45.897885+00:00"
        ),
        RoleDefinition(
            id: "b24988ac-6180-42a0-ab88-20f7382dd24c", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c", roleName: "Contributor",
            description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: ["*"],
                    notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action", "Microsoft.Blueprint/blueprintAssignments/write", "Microsoft.Blueprint/blueprintAssignments/delete", "Microsoft.Compute/galleries/share/action", "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete", "Microsoft.Resources/deploymentStacks/manageDenySetting/action", "Microsoft.Subscription/cancel/action", "Microsoft.Subscription/enable/action"],
                    dataActions: [],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2015-02-02T21:55:09.880642+00:00", updatedOn: "2024-11-19T20:03:30.321264+00:00"
        ),
        RoleDefinition(
            id: "acdd72a7-3385-48ef-bd42-f606fba81ae7", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", roleName: "Reader",
            description: "View all resources, but does not allow you to make any changes.",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: ["*/read"],
                    notActions: [],
                    dataActions: [],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2015-02-02T21:55:09.880642+00:00", updatedOn: "2021-11-11T20:13:47.862868+00:00"
        ),
        RoleDefinition(
            id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", roleName: "User Access Administrator",
            description: "Lets you manage user access to Azure resources.",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
                    notActions: [],
                    dataActions: [],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2015-02-02T21:55:09.880642+00:00", updatedOn: "2021-11-11T20:13:57.793202+00:00"
        ),
        RoleDefinition(
            id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", roleName: "Storage Blob Data Reader",
            description: "Allows for read access to Azure Storage blob containers and data",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read", "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"],
                    notActions: [],
                    dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2017-12-21T00:01:24.797231+00:00", updatedOn: "2021-11-11T20:13:55.297507+00:00"
        ),
        RoleDefinition(
            id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe", roleName: "Storage Blob Data Contributor",
            description: "Allows for read, write and delete access to Azure Storage blob containers and data",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/delete", "Microsoft.Storage/storageAccounts/blobServices/containers/read", "Microsoft.Storage/storageAccounts/blobServices/containers/write", "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"],
                    notActions: [],
                    dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2017-12-21T00:01:24.797231+00:00", updatedOn: "2021-11-11T20:13:54.939745+00:00"
        ),
        RoleDefinition(
            id: "4633458b-17de-408a-b874-0445c86b69e6", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6", roleName: "Key Vault Secrets User",
            description: "Read secret contents. Only works for key vaults that use the 'Azure role-based access control' permission model.",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: [],
                    notActions: [],
                    dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2020-05-19T17:52:47.204924+00:00", updatedOn: "2021-11-11T20:14:30.954282+00:00"
        ),
        RoleDefinition(
            id: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/9980e02c-c2be-4d73-94e8-173b1dc7cf3c", roleName: "Virtual Machine Contributor",
            description: "Lets you manage virtual machines, but not access to them, and not the virtual network or storage account they're connected to.",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: ["Microsoft.Authorization/*/read", "Microsoft.Compute/availabilitySets/*", "Microsoft.Compute/locations/*", "Microsoft.Compute/virtualMachines/*", "Microsoft.Compute/virtualMachineScaleSets/*", "Microsoft.Compute/cloudServices/*", "Microsoft.Compute/disks/write", "Microsoft.Compute/disks/read", "Microsoft.Compute/disks/delete", "Microsoft.Compute/hostgroups/write", "Microsoft.Compute/hostgroups/hosts/write", "Microsoft.DevTestLab/schedules/*", "Microsoft.Insights/alertRules/*", "Microsoft.Network/applicationGateways/backendAddressPools/join/action", "Microsoft.Network/loadBalancers/backendAddressPools/join/action", "Microsoft.Network/loadBalancers/inboundNatPools/join/action", "Microsoft.Network/loadBalancers/inboundNatRules/join/action", "Microsoft.Network/loadBalancers/probes/join/action", "Microsoft.Network/loadBalancers/read", "Microsoft.Network/locations/*", "Microsoft.Network/networkInterfaces/*", "Microsoft.Network/networkSecurityGroups/join/action", "Microsoft.Network/networkSecurityGroups/read", "Microsoft.Network/publicIPAddresses/join/action", "Microsoft.Network/publicIPAddresses/read", "Microsoft.Network/virtualNetworks/read", "Microsoft.Network/virtualNetworks/subnets/join/action", "Microsoft.RecoveryServices/locations/*", "Microsoft.RecoveryServices/Vaults/backupFabrics/backupProtectionIntent/write", "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/*/read", "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/read", "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write", "Microsoft.RecoveryServices/Vaults/backupPolicies/read", "Microsoft.RecoveryServices/Vaults/backupPolicies/write", "Microsoft.RecoveryServices/Vaults/read", "Microsoft.RecoveryServices/Vaults/usages/read", "Microsoft.RecoveryServices/Vaults/write", "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.SerialConsole/serialPorts/connect/action", "Microsoft.SqlVirtualMachine/*", "Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.Storage/storageAccounts/read", "Microsoft.Support/*"],
                    notActions: [],
                    dataActions: [],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2015-06-02T00:18:27.354269+00:00", updatedOn: "2025-02-06T01:34:42.873141+00:00"
        ),
        RoleDefinition(
            id: "17d1049b-9a84-46fb-8f53-869881c3d3ab", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/17d1049b-9a84-46fb-8f53-869881c3d3ab", roleName: "Storage Account Contributor",
            description: "Lets you manage storage accounts, including accessing storage account keys which provide full access to storage account data.",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Insights/diagnosticSettings/*", "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action", "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Storage/storageAccounts/*", "Microsoft.Support/*"],
                    notActions: [],
                    dataActions: [],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2015-06-02T00:18:27.354269+00:00", updatedOn: "2021-11-11T20:13:54.236353+00:00"
        ),
        RoleDefinition(
            id: "4d97b98b-1d4f-4787-a291-c67834d212e7", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7", roleName: "Network Contributor",
            description: "Lets you manage networks, but not access to them.",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Network/*", "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*"],
                    notActions: [],
                    dataActions: [],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2015-06-02T00:18:27.354269+00:00", updatedOn: "2021-11-11T20:13:44.632896+00:00"
        ),
        RoleDefinition(
            id: "de139f84-1756-47ae-9be6-808fbbe84772", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/de139f84-1756-47ae-9be6-808fbbe84772", roleName: "Website Contributor",
            description: "Lets you manage websites (not web plans), but not access to them.",
            isCustom: false,
            permissions: [
                PermissionBlock(
                    actions: ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Insights/components/*", "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*", "Microsoft.Web/certificates/*", "Microsoft.Web/listSitesAssignedToHostName/read", "Microsoft.Web/register/action", "Microsoft.Web/serverFarms/join/action", "Microsoft.Web/serverFarms/read", "Microsoft.Web/sites/*"],
                    notActions: [],
                    dataActions: [],
                    notDataActions: []
                ),
            ],
            assignableScopes: [.root], createdOn: "2015-05-12T23:10:23.619395+00:00", updatedOn: "2024-08-05T15:09:29.713053+00:00"
        ),
    ]
}

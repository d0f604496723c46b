import ScopedownCore

/// SD010: the security team must be able to read everything.
struct SecurityTeamReaderRule: Rule {
    static let securityReaderRoleID = "39bd1de1-4e1c-4fee-8432-2fc64ac1d4fa"

    let description = RuleDescription(
        id: "SD010", kind: "security-team-reader", severity: .high,
        summary: "The configured security group (`securityGroup`) lacks Security Reader or a read-everything role at the tenant root group.",
        rationale: "Security roadmap step 2: the security team needs read access to every subscription, present and future, to find what others miss; only an assignment at the tenant root group covers subscriptions created later.",
        remediation: "Assign Security Reader (or Reader) to the security group at the tenant root group.",
        needs: ["`securityGroup` in the config"],
        triggering: [
            RuleExample("""
            config securityGroup=soc
            mg corp
            group soc
            assign a1 soc Reader mg:corp
            expect count=1 principal=soc
            """),
            RuleExample("""
            # a configured group the directory does not know is reported too
            config securityGroup=nobody
            group soc
            expect count=1
            """),
        ],
        nonTriggering: [
            RuleExample("""
            config securityGroup=soc
            group soc
            assign a1 soc SecurityReader mg:tenant
            """),
            RuleExample("""
            config securityGroup=soc
            group soc
            assign a1 soc Reader /
            """),
            RuleExample("""
            # not configured: not judged
            group soc
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        guard let wanted = c.config.securityGroup else { return [] }
        let key = AzureID.guidKey(wanted)
        let groups = c.snapshot.principals.filter { $0.kind == .group && ($0.id == key || $0.displayName == wanted) }
        let rootScope = c.tenantRootGroup?.scope ?? .root
        guard groups.count == 1, let g = groups.first else {
            return [description.finding(
                scope: rootScope.display,
                message: groups.isEmpty ? "the configured security group `\(wanted)` is not in the imported directory"
                                        : "the configured security group `\(wanted)` names \(groups.count) groups: give its object id",
                evidence: ["securityGroup: `\(wanted)`"])]
        }
        let read = c.evaluator.decide(principal: g.id, operation: RuleContext.readEverythingProbe, scope: rootScope, plane: .control)
        if read.outcome == .allowed && !read.conditional { return [] }
        let applicable = c.evaluator.applicableAssignments(principal: g.id, scope: rootScope)
        if applicable.contains(where: { $0.roleID == Self.securityReaderRoleID && !$0.conditional }) { return [] }
        let held = c.snapshot.roleAssignments.filter { $0.principalID == g.id }
            .map { "holds `\(c.roleName($0.roleDefinitionID))` at `\($0.scope.display)`" }.sorted()
        return [description.finding(
            principal: g.id, scope: rootScope.display,
            message: "security group \(c.principalLabel(g.id)) cannot read everything: no Security Reader or read-everything role at \(c.scopeLabel(rootScope))",
            evidence: held.isEmpty ? ["no role assignment of the group"] : held)]
    }
}

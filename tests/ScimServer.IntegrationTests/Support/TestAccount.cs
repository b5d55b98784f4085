namespace ScimServer.IntegrationTests.Support;

public sealed record TestAccount(Guid Id, string Token, ScimClient Scim);

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>
/// The OpenAPI document of the JSON API: every route the service maps under /api is in it, with the statuses its
/// handler answers; anyone reads it in Development, only admins elsewhere.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private const string DocumentPath = "/openapi/v1.json";

    [Test]
    public async Task Document_HoldsEveryMappedApiRouteAndMethod_AndNothingElse()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>(DocumentPath);

        var described = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name.ToUpperInvariant()} {path.Name}"))
            .ToHashSet();
        var mapped = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Path: PathOf(e.RoutePattern)))
            .Where(e => e.Path.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => (e.Endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => $"{method} {e.Path}"))
            .ToHashSet();

        Assert.That(mapped, Has.Count.GreaterThan(50), "the service's /api routes, as the router holds them");
        Assert.That(mapped.Except(described), Is.Empty, "mapped /api routes missing from the document");
        Assert.That(described.Except(mapped), Is.Empty, "in the document but not an /api route of the service");
    }

    [TestCase("post", "/api/users", new[] { 201, 400, 401, 403, 409 })]
    [TestCase("patch", "/api/users/{id}", new[] { 200, 400, 401, 403, 404, 409 })]
    [TestCase("post", "/api/auth/token", new[] { 200, 400, 401, 429 })]
    [TestCase("post", "/api/conversations/{id}/reopen", new[] { 200, 401, 403, 404, 409 })]
    [TestCase("post", "/api/conversations/{id}/messages", new[] { 202, 400, 401, 403, 404, 409 })]
    [TestCase("get", "/api/processes/{number}/status", new[] { 200, 400, 401, 404, 503 })]
    [TestCase("delete", "/api/units/{id}/canned/{cannedId}", new[] { 204, 401, 403, 404, 409 })]
    [TestCase("get", "/api/units/{id}/availability", new[] { 200, 400, 404 })]
    [TestCase("get", "/api/units/{id}", new[] { 200, 404, 429 })]
    public async Task Operation_ListsEveryStatusItsHandlerAnswers(string method, string path, int[] statuses)
    {
        var responses = (await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");

        Assert.That(statuses.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Is.SubsetOf(responses.EnumerateObject().Select(r => r.Name)), $"{method.ToUpperInvariant()} {path}");
    }

    [Test]
    public async Task Operation_ListsEachContentTypeOfOneStatus_WhenTheAnswerHasTwoFormats()
    {
        var ok = (await DocumentAsync()).GetProperty("paths").GetProperty("/api/reports/sla").GetProperty("get").GetProperty("responses").GetProperty("200");

        Assert.That(ok.GetProperty("content").EnumerateObject().Select(c => c.Name), Is.EquivalentTo(new[] { "application/json", "text/csv" }));
    }

    [Test]
    public async Task Operation_DescribesEachJsonAnswer_WithItsShape_NeverAnEmptySchema()
    {
        var untyped = (await DocumentAsync()).GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().SelectMany(method => method.Value.GetProperty("responses").EnumerateObject()
                .Where(answer => answer.Value.TryGetProperty("content", out var content)
                    && content.EnumerateObject().Any(type => type.Name.EndsWith("json", StringComparison.Ordinal) && IsEmpty(type.Value.GetProperty("schema"))))
                .Select(answer => $"{method.Name.ToUpperInvariant()} {path.Name} {answer.Name}")))
            .ToList();

        Assert.That(untyped, Is.Empty, "answers typed as object (an anonymous type): give them a record");

        static bool IsEmpty(JsonElement schema) =>
            !schema.EnumerateObject().Any() || (schema.TryGetProperty("items", out var items) && !items.EnumerateObject().Any());
    }

    [Test]
    public async Task Document_IsOpen_InDevelopment()
    {
        await using var factory = new ApiFactory();
        using var anonymous = factory.CreateClient();

        using var response = await anonymous.GetAsync(DocumentPath);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Document_IsForAdminsOnly_InProduction()
    {
        await using var factory = new ApiFactory { Environment = "Production" };
        using var anonymous = factory.CreateClient();
        using var clerk = await factory.ClientForNewUserAsync("servidora@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        using var manager = await factory.ClientForNewUserAsync("diretora@trt8.jus.br", managerOf: ["trt8-vt-macapa-7"]);
        using var admin = await factory.AdminClientAsync();

        using var refusedAnonymous = await anonymous.GetAsync(DocumentPath);
        using var refusedClerk = await clerk.GetAsync(DocumentPath);
        using var refusedManager = await manager.GetAsync(DocumentPath);
        using var served = await admin.GetAsync(DocumentPath);
        var refusals = await refusedAnonymous.Content.ReadAsStringAsync() + await refusedClerk.Content.ReadAsStringAsync();
        var body = await served.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(refusedAnonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(refusedClerk.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(refusedManager.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(refusals, Does.Not.Contain("\"paths\""), "a refusal never carries the document");
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(body, Does.Contain("\"/api/users\""));
        });
    }

    /// <summary>The route as the document writes it: parameters without their constraints, no trailing slash.</summary>
    private static string PathOf(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            _ => throw new InvalidOperationException($"route part {part.PartKind} in {pattern.RawText}"),
        }))));

    private static JsonElement? document;

    /// <summary>The document, read once for the tests that only look at it (it holds no data of any test).</summary>
    private static async Task<JsonElement> DocumentAsync()
    {
        if (document is null)
        {
            await using var factory = new ApiFactory();
            using var client = factory.CreateClient();
            document = await client.GetFromJsonAsync<JsonElement>(DocumentPath);
        }

        return document.Value;
    }
}

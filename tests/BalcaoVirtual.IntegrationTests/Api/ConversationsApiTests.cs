using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Storage;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

public sealed class ConversationsApiTests
{
    private const string UnitA = "trt8-vt-macapa-7";
    private const string UnitB = "trt8-vt-parauapebas-4";
    private ApiFactory factory = null!;

    [SetUp]
    public async Task SetUp()
    {
        factory = new ApiFactory();
        var store = factory.Services.GetRequiredService<ConversationStore>();
        var at = factory.Time.GetUtcNow();
        await store.SaveAsync(StoreTests.NewConversation("conv-a", UnitA, ConversationState.Waiting, at));
        await store.AppendMessageAsync("conv-a", StoreTests.NewMessage("m1", "Gostaria de saber do meu processo <script>"));
        await store.SaveAsync(StoreTests.NewConversation("conv-b", UnitB, ConversationState.Waiting, at.AddMinutes(1)));
        await store.SaveAsync(StoreTests.NewConversation("conv-bot", unit: null!, ConversationState.Bot, at) with { UnitId = null });
    }

    [TearDown]
    public async Task TearDown() => await factory.DisposeAsync();

    [Test]
    public async Task Get_Is403_ForClerkOfUnitA_OnUnitBConversation()
    {
        using var clerk = await factory.ClientForNewUserAsync("clerk@trt8.jus.br", clerkOf: [UnitA]);

        var byId = await clerk.GetAsync("/api/conversations/conv-b");
        var list = await clerk.GetAsync($"/api/conversations?unit={UnitB}");

        Assert.That(byId.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Get_ReturnsConversationWithMessages_ForClerkOfItsUnit()
    {
        using var clerk = await factory.ClientForNewUserAsync("clerk@trt8.jus.br", clerkOf: [UnitA]);

        var body = await clerk.GetFromJsonAsync<JsonElement>("/api/conversations/conv-a");

        Assert.That(body.GetProperty("conversation").GetProperty("state").GetString(), Is.EqualTo("waiting"));
        Assert.That(body.GetProperty("messages")[0].GetProperty("text").GetString(), Is.EqualTo("Gostaria de saber do meu processo <script>"));
    }

    [Test]
    public async Task List_WithoutUnit_ShowsOnlyTheCallersUnits()
    {
        using var manager = await factory.ClientForNewUserAsync("manager@trt8.jus.br", managerOf: [UnitB]);

        var page = await manager.GetFromJsonAsync<JsonElement>("/api/conversations");

        Assert.That(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()), Is.EqualTo(new[] { "conv-b" }));
    }

    [Test]
    public async Task List_ForAdmin_CoversEveryUnit()
    {
        using var admin = await factory.AdminClientAsync();

        var page = await admin.GetFromJsonAsync<JsonElement>("/api/conversations?state=waiting");

        Assert.That(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()), Is.EqualTo(new[] { "conv-b", "conv-a" }));
    }

    [Test]
    public async Task Get_Is403_ForClerk_OnConversationNotYetRouted_ButAdminSeesIt()
    {
        using var clerk = await factory.ClientForNewUserAsync("clerk@trt8.jus.br", clerkOf: [UnitA]);
        using var admin = await factory.AdminClientAsync();

        Assert.That((await clerk.GetAsync("/api/conversations/conv-bot")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await admin.GetAsync("/api/conversations/conv-bot")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("?state=pending", "state")]
    [TestCase("?page=0", "page")]
    [TestCase("?page=abc", "page")]
    [TestCase("?pageSize=1000", "pageSize")]
    public async Task List_Is400_NamingTheBadParameter(string query, string field)
    {
        using var admin = await factory.AdminClientAsync();

        var response = await admin.GetAsync("/api/conversations" + query);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(errors.TryGetProperty(field, out _), Is.True);
    }

    [Test]
    public async Task List_Is404_ForUnknownUnit_AndGet_Is404_ForUnknownConversation()
    {
        using var admin = await factory.AdminClientAsync();

        Assert.That((await admin.GetAsync("/api/conversations?unit=nope")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await admin.GetAsync("/api/conversations/nope")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}

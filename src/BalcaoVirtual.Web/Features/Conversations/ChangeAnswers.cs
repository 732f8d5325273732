// The answers of a clerk's change to a conversation, named once: the typed results state every status to the OpenAPI
// document, and these unions recur in every action's signature (conversations, labels, inbox tools).

// The conversation after the change (200), 409 while another change holds it, 404 when it is gone meanwhile.
global using ChangeAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<BalcaoVirtual.Web.Features.Conversations.Conversation>,
    BalcaoVirtual.Web.Infrastructure.Http.ConflictProblem,
    BalcaoVirtual.Web.Infrastructure.Http.NotFoundProblem>;

// A message queued for the citizen (202), or the change's refusal as above.
global using SendAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Accepted<BalcaoVirtual.Web.Features.Conversations.Message>,
    Microsoft.AspNetCore.Http.HttpResults.Results<
        Microsoft.AspNetCore.Http.HttpResults.Ok<BalcaoVirtual.Web.Features.Conversations.Conversation>,
        BalcaoVirtual.Web.Infrastructure.Http.ConflictProblem,
        BalcaoVirtual.Web.Infrastructure.Http.NotFoundProblem>>;

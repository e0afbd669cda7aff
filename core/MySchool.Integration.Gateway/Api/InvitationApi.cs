using MySchool.Integration.Core.Access;
using MySchool.Integration.Core.Monitoring;
using MySchool.Integration.Core.People;
using MySchool.Integration.Gateway.Auth;
using MySchool.Integration.Gateway.Hosting;
using MySchool.Integration.Gateway.Operators;

namespace MySchool.Integration.Gateway.Api;

/// <summary>
/// A school admin invites a teacher of the registry: the link (valid 24 hours) is e-mailed to the teacher through the
/// outbox, and the answer carries it too, for an admin whose relay is not configured or who hands it over in person.
/// </summary>
public static class InvitationApi
{
    public sealed record InvitationRequest(Guid SchoolId, Guid TeacherId, string Email);

    public static IEndpointRouteBuilder MapInvitationApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/invitations", CreateAsync).RequireSessionOrToken(ExchangeScopes.SyncManage);
        return app;
    }

    private static async Task<IResult> CreateAsync(InvitationRequest request, HttpContext context, MonitoringReader monitoring, TeacherInvitations invitations, Appointments appointments, CancellationToken cancellationToken)
    {
        var caller = ClientAccess.From(context.User);
        if (await monitoring.SchoolAsync(request.SchoolId, cancellationToken) is not { } school
            || !(caller.Holds(school.Region) || await appointments.CoversSchoolAsync(caller.Scope, request.SchoolId, cancellationToken)))
        {
            return Problem(StatusCodes.Status404NotFound, $"Школа {request.SchoolId} не найдена среди ваших школ");
        }

        if (string.IsNullOrWhiteSpace(request.Email) || !request.Email.Contains('@', StringComparison.Ordinal))
        {
            return Problem(StatusCodes.Status400BadRequest, "Нужен адрес электронной почты педагога");
        }

        var gateway = PublicAddress.Of(context);
        if (await invitations.CreateAsync(request.SchoolId, request.TeacherId, request.Email.Trim(), caller.ClientId, gateway, cancellationToken) is not { } invitation)
        {
            return Problem(StatusCodes.Status400BadRequest, $"Человек {request.TeacherId} не числится педагогом этой школы");
        }

        var link = TeacherInvitations.Link(gateway, invitation.Token);
        return Results.Created($"/api/invitations/{invitation.Id}", new { invitation.Id, link, invitation.ExpiresAt });
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status, title: "Приглашение не отправлено");
}

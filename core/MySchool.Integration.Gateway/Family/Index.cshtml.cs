using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MySchool.Integration.Core.Federal;
using MySchool.Integration.Core.People;

namespace MySchool.Integration.Gateway.Family;

/// <summary>
/// A parent's (or a student's) page: their children as ESIA lists them, the request form, and their requests, which
/// they may withdraw while they wait. ESIA is read on every visit, so a child attached or given an account a minute
/// ago is already there. A request sent or withdrawn is answered by a redirect (post-redirect-get): reloading the page
/// sends nothing again.
/// </summary>
public sealed class FamilyModel(IIdentityDirectory directory, FamilyRequests requests, DiaryExtracts extracts) : PageModel
{
    public IReadOnlyList<AccountChild> Children { get; private set; } = [];

    /// <summary>The children the school registry names this person the legal representative of: whose diary extracts they may download.</summary>
    public IReadOnlyList<(Guid Id, string Name)> Students { get; private set; } = [];

    /// <summary>What the person typed to find their school, and what it found.</summary>
    public string? SchoolQuery { get; private set; }

    public IReadOnlyList<(Guid Id, string FullName)> Schools { get; private set; } = [];

    public IReadOnlyList<FamilyRequestEntry> Sent { get; private set; } = [];

    public bool MayAskForThemselves { get; private set; }

    /// <summary>What became of the last request sent or withdrawn, carried over the redirect.</summary>
    [TempData]
    public string? Outcome { get; set; }

    /// <summary>Why the form just sent was refused: shown with the form, not carried anywhere.</summary>
    public string? Refusal { get; private set; }

    public string? Problem { get; private set; }

    public Task<IActionResult> OnGetAsync(string? school, CancellationToken cancellationToken) => ShowAsync(school, null, cancellationToken);

    public Task<IActionResult> OnPostAsync(string? school, Guid schoolId, string? className, long? childId, CancellationToken cancellationToken) =>
        ShowAsync(school, new FamilyRequestForm(schoolId, className, childId), cancellationToken);

    public async Task<IActionResult> OnPostWithdrawAsync(long id, CancellationToken cancellationToken)
    {
        if (await FamilyHosting.SessionAsync(HttpContext) is not { } session)
        {
            return Redirect(FamilyHosting.LoginPath);
        }

        Outcome = await requests.WithdrawAsync(session.Oid, id, cancellationToken)
            ? "Запрос отозван: школа его больше не рассматривает."
            : "Этот запрос уже рассмотрен школой, отозвать его нельзя.";
        return Redirect("/family");
    }

    private async Task<IActionResult> ShowAsync(string? school, FamilyRequestForm? form, CancellationToken cancellationToken)
    {
        if (await FamilyHosting.SessionAsync(HttpContext) is not { } session)
        {
            return Redirect(FamilyHosting.LoginPath);
        }

        var (oid, token) = session;

        try
        {
            var holder = await directory.HolderAsync(token, oid, cancellationToken);
            Children = await directory.ChildrenAsync(token, oid, cancellationToken);
            MayAskForThemselves = holder.BirthDate is not null;
            if (form is not null)
            {
                var outcome = await requests.SubmitAsync(holder, Children, form, cancellationToken);
                if (outcome.Value is { } submission)
                {
                    Outcome = submission.AlreadySent
                        ? "Такой запрос уже отправлен и ждёт решения школы: второй раз он не отправляется."
                        : "Запрос отправлен в школу. Администратор школы рассмотрит его; состояние видно ниже.";
                    return Redirect("/family" + (string.IsNullOrEmpty(school) ? "" : $"?school={Uri.EscapeDataString(school)}"));
                }

                // A refused form is shown again as it was typed, to be corrected.
                Refusal = $"Запрос не отправлен: {outcome.Rejection!.Message}";
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            }
        }
        catch (IdentityDirectoryException failure) when (failure.TokenExpired)
        {
            // The ESIA token outlived: a fresh login brings a fresh one.
            return Redirect(FamilyHosting.LoginPath);
        }
        catch (IdentityDirectoryException failure)
        {
            Problem = $"Не удалось получить ваши данные из ЕСИА ({failure.Message}). Попробуйте позже.";
            Response.StatusCode = StatusCodes.Status502BadGateway;
        }

        SchoolQuery = school;
        Schools = await requests.FindSchoolsAsync(school, cancellationToken);
        Sent = await requests.SentByAsync(oid, cancellationToken);
        Students = await extracts.ChildrenOfAsync(oid, cancellationToken);
        return Page();
    }

    public static string StatusName(string status) => status switch
    {
        "pending" => "на рассмотрении",
        "approved" => "одобрен",
        "rejected" => "отклонён",
        "withdrawn" => "отозван вами",
        _ => status,
    };
}

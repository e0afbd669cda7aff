namespace MySchool.Integration.Mocks.Rk;

/// <summary>The education-manager account the mock accepts (a Cyrillic password exercises the windows-1251 step).</summary>
public sealed record NetSchoolOptions
{
    public string UserName { get; init; } = "edu-manager11";

    public string Password { get; init; } = "Пароль-Коми11";

    /// <summary>Idle time after which a session is gone (ms), as the real <c>timeOut</c>.</summary>
    public int TimeOutMs { get; init; } = 900_000;
}

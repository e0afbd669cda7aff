using System.Security.Cryptography;
using System.Text;

namespace MySchool.Integration.Mocks.Rk;

/// <summary><c>pw2 = md5hex(salt + md5hex(password in windows-1251))</c>, as NetSchool's login page computes it.</summary>
public static class NetSchoolPassword
{
    static NetSchoolPassword() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    // MD5 is the real server's choice, not ours: the mock must compute exactly what it checks.
#pragma warning disable CA5351
    public static string Pw2(string salt, string password)
    {
        var inner = Convert.ToHexStringLower(MD5.HashData(Encoding.GetEncoding(1251).GetBytes(password)));
        return Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(salt + inner)));
    }
#pragma warning restore CA5351
}

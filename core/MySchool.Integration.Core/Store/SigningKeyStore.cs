using System.Security.Cryptography;
using Npgsql;

namespace MySchool.Integration.Core.Store;

/// <summary>
/// The key that signs the gateway's tokens, kept in the federal database (table <c>signing_key</c>): created by
/// whichever process needs it first and read by every other, so a token issued by one process validates on all of
/// them and survives restarts.
/// </summary>
public static class SigningKeyStore
{
    /// <summary>The key (PKCS#8), created when the database has none yet.</summary>
    /// <remarks>Synchronous: options are built so, once per process, after migrations ran.</remarks>
    public static byte[] GetOrCreate(NpgsqlDataSource dataSource)
    {
        if (Read(dataSource) is { } stored)
        {
            return stored;
        }

        // A new RSA key costs about 0.2 s of CPU, so only when none is stored. Processes starting together may each
        // make one: the first insert wins, and all read that one.
        using var candidate = RSA.Create(2048);
        using (var insert = dataSource.CreateCommand("INSERT INTO signing_key (id, rsa_pkcs8) VALUES (1, $1) ON CONFLICT (id) DO NOTHING"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = candidate.ExportPkcs8PrivateKey() });
            insert.ExecuteNonQuery();
        }

        return Read(dataSource)!;
    }

    private static byte[]? Read(NpgsqlDataSource dataSource)
    {
        using var select = dataSource.CreateCommand("SELECT rsa_pkcs8 FROM signing_key WHERE id = 1");
        return select.ExecuteScalar() as byte[];
    }
}

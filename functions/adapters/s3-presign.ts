import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentDisposition } from './http.ts';

/**
 * A presigned S3 GET of `key`: signed with the function's own credentials (so it reaches only what
 * its role may read), valid for `expiresInSeconds` (or until those credentials expire, if sooner),
 * answered by S3 as a download named `fileName` (`response-content-disposition`), typed
 * `application/octet-stream` and not cacheable, whatever type the object was stored with.
 *
 * Only the console's attachment function signs, so only its bundle carries the presigner
 * (`adapters/aws-mail-links.ts`); the presigner is bundled, not left to the Lambda runtime, which
 * does not document shipping it (lib/bundling.ts).
 */
export function signedDownloadUrl(s3: S3Client, bucket: string, key: string, fileName: string, expiresInSeconds: number): Promise<string> {
  const get = new GetObjectCommand({
    Bucket: bucket,
    Key: key,
    ResponseContentDisposition: contentDisposition(fileName),
    ResponseContentType: 'application/octet-stream',
    ResponseCacheControl: 'private, no-store',
  });
  return getSignedUrl(s3, get, { expiresIn: expiresInSeconds });
}

// Decrypt a v1 file (the earlier Node.js format) and run a command with
// its variables, as a Node.js container entrypoint would.
//
// Usage: node v1_run.js FILE -- COMMAND [ARG...]
// The key is read from EMP_ENV_DECRYPT_KEY, the reference design's name.
//
// The v1 format: base64 of IV (16 bytes) || AES-256-CBC ciphertext of the
// gzip-compressed JSON object || HMAC-SHA256 (32 bytes) over IV ||
// ciphertext, with one 32-byte key for both. Node.js has no exec(), so
// the command runs as a child and its exit status is passed on.
'use strict'

const crypto = require('crypto')
const fs = require('fs')
const zlib = require('zlib')
const { spawnSync } = require('child_process')

function deriveKey (text) {
  const decoded = Buffer.from(text, 'base64')
  if (decoded.length === 32) return decoded
  return crypto.createHash('sha256').update(text, 'utf8').digest()
}

function decrypt (blobText, key) {
  const blob = Buffer.from(blobText, 'base64')
  if (blob.length < 16 + 32) throw new Error('file is too short')
  const iv = blob.subarray(0, 16)
  const ciphertext = blob.subarray(16, blob.length - 32)
  const tag = blob.subarray(blob.length - 32)
  const expected = crypto.createHmac('sha256', key)
    .update(iv).update(ciphertext).digest()
  if (!crypto.timingSafeEqual(tag, expected)) {
    throw new Error('HMAC verification failed')
  }
  const decipher = crypto.createDecipheriv('aes-256-cbc', key, iv)
  const compressed = Buffer.concat([decipher.update(ciphertext), decipher.final()])
  return JSON.parse(zlib.gunzipSync(compressed).toString('utf8'))
}

function main () {
  const file = process.argv[2]
  const command = process.argv.slice(4)
  const key = deriveKey(process.env.EMP_ENV_DECRYPT_KEY || '')
  const variables = decrypt(fs.readFileSync(file, 'utf8'), key)

  const env = Object.assign({}, variables, process.env)
  delete env.EMP_ENV_DECRYPT_KEY
  const result = spawnSync(command[0], command.slice(1), { stdio: 'inherit', env })
  if (result.error) {
    console.error(`v1_run: ${command[0]}: ${result.error.code}`)
    process.exit(126)
  }
  process.exit(result.status === null ? 128 : result.status)
}

main()

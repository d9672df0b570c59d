export { ERROR_CODES, type ErrorCode, isErrorCode } from './codes';
export {
  LifeboatError,
  type LifeboatErrorOptions,
  type SafeDetails,
  isLifeboatError,
  errorCodeOf,
  messageOf,
} from './lifeboat-error';
